// The records contracts/ keeps in state, and their stored encoding.
//
// Every stored value is one record written with the canonical encoding of
// common/canonical.h under its own domain tag (kTag), fields in the order its
// Fields() lists them (contracts/record_codec.h). Values are hashed into the state
// root, so the layout of a record is consensus-critical: changing one is a hard
// fork (docs/contracts.md).
//
// Thread safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "contracts/record_codec.h"
#include "proto/creditchain.pb.h"

namespace cc::contracts {

inline constexpr uint64_t kMsPerDay = 86400000;

// ---------------------------------------------------------------- alliance

struct AllianceParams {
  static constexpr std::string_view kTag = "cc/state/params/v1";
  std::string chain_id;
  uint64_t retention_days = 1825;
  uint64_t dispute_deadline_days = 20;
  uint64_t daily_query_quota = 10000;
  uint64_t max_validity_window_ms = kMsPerDay;

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.chain_id), v(r.retention_days), v(r.dispute_deadline_days), v(r.daily_query_quota),
        v(r.max_validity_window_ms);
  }
};

enum class MemberStatus : uint8_t { kActive = 0, kSuspended = 1, kRemoved = 2 };
std::string_view MemberStatusName(MemberStatus status);

struct MemberRecord {
  static constexpr std::string_view kTag = "cc/state/member/v1";
  std::string id;
  std::string display_name;
  std::string public_key;  // current Ed25519 key, 32 raw bytes
  pb::Role role = pb::ROLE_MEMBER;
  MemberStatus status = MemberStatus::kActive;
  uint64_t joined_height = 0;              // 0 = genesis
  uint64_t key_since_height = 0;           // height from which public_key signs
  std::vector<std::string> previous_keys;  // rotated-out keys, oldest first
  std::optional<uint64_t> quota_override;  // "daily_query_quota:<id>"

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.id), v(r.display_name), v(r.public_key), v(r.role), v(r.status), v(r.joined_height),
        v(r.key_since_height), v(r.previous_keys), v(r.quota_override);
  }
};

struct ValidatorInfo {
  std::string public_key;   // 32 raw bytes; the validator's consensus key
  std::string operator_id;  // the member that runs it

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.public_key), v(r.operator_id);
  }
};

// Index order is the PBFT replica index.
struct ValidatorSet {
  static constexpr std::string_view kTag = "cc/state/validators/v1";
  std::vector<ValidatorInfo> validators;
  uint64_t changed_height = 0;  // height of the block whose start applied the last change

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.validators), v(r.changed_height);
  }
};

// The last executed block: lets ExecuteBlock check it continues the chain, and
// gives the node the previous block time after a restart.
struct ChainTip {
  static constexpr std::string_view kTag = "cc/state/tip/v1";
  uint64_t height = 0;
  uint64_t block_time_ms = 0;

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.height), v(r.block_time_ms);
  }
};

// ---------------------------------------------------------------- transactions

struct ReceiptRecord {
  static constexpr std::string_view kTag = "cc/state/receipt/v1";
  uint64_t height = 0;
  uint32_t index = 0;
  std::string code;  // "ok" or a rejection code; messages are not stored (not consensus)

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.height), v(r.index), v(r.code);
  }
};

struct NonceRecord {
  static constexpr std::string_view kTag = "cc/state/nonce/v1";
  uint64_t not_after_ms = 0;  // window end of the tx that used it

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.not_after_ms);
  }
};

struct Amendment {
  std::string tx_id;
  pb::AmendKind kind = pb::AMEND_KIND_UNSPECIFIED;
  std::string by;  // member id
  std::string record_hash;
  uint64_t height = 0;
  uint64_t day = 0;  // block day

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.tx_id), v(r.kind), v(r.by), v(r.record_hash), v(r.height), v(r.day);
  }
};

enum class EventStatus : uint8_t { kActive = 0, kCorrected = 1, kDisputed = 2, kRetracted = 3 };
std::string_view EventStatusName(EventStatus status);

struct EventRecord {
  static constexpr std::string_view kTag = "cc/state/event/v1";
  std::string tx_id;
  std::string reporter;
  std::string subject_key;
  pb::EventType event_type = pb::EVENT_TYPE_UNSPECIFIED;
  std::string loan_ref_hash;
  uint64_t amount_minor = 0;
  std::string currency;
  uint32_t event_day = 0;
  std::string record_hash;  // as first reported
  uint64_t height = 0;
  uint32_t index = 0;
  uint64_t block_day = 0;
  std::vector<Amendment> amendments;  // in ledger order; never shortened
  std::string current_record_hash;    // after corrections
  bool corrected = false;
  bool retracted = false;
  bool dispute_open = false;
  uint64_t dispute_deadline_day = 0;  // of the open (or last) dispute
  std::string dispute_tx_id;          // of the open (or last) dispute

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.tx_id), v(r.reporter), v(r.subject_key), v(r.event_type), v(r.loan_ref_hash), v(r.amount_minor),
        v(r.currency), v(r.event_day), v(r.record_hash), v(r.height), v(r.index), v(r.block_day),
        v(r.amendments), v(r.current_record_hash), v(r.corrected), v(r.retracted), v(r.dispute_open),
        v(r.dispute_deadline_day), v(r.dispute_tx_id);
  }
};
// disputed while a dispute is open, else retracted, else corrected, else active.
EventStatus CurrentStatus(const EventRecord& event);

struct BlacklistRecord {
  static constexpr std::string_view kTag = "cc/state/blacklist/v1";
  std::string tx_id;
  std::string lister;
  std::string subject_key;
  pb::BlacklistReason reason = pb::BLACKLIST_REASON_UNSPECIFIED;
  std::string evidence_hash;
  uint32_t expiry_day = 0;  // 0 = no expiry
  uint64_t height = 0;
  uint64_t day = 0;
  bool removed = false;
  std::string removed_by;
  std::string removal_tx_id;
  std::string removal_reason_hash;
  uint64_t removed_day = 0;

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.tx_id), v(r.lister), v(r.subject_key), v(r.reason), v(r.evidence_hash), v(r.expiry_day), v(r.height),
        v(r.day), v(r.removed), v(r.removed_by), v(r.removal_tx_id), v(r.removal_reason_hash),
        v(r.removed_day);
  }
};

struct QueryRecord {
  static constexpr std::string_view kTag = "cc/state/query/v1";
  std::string tx_id;
  std::string member;
  std::string subject_key;
  pb::QueryPurpose purpose = pb::QUERY_PURPOSE_UNSPECIFIED;
  std::string authorization_ref_hash;
  uint64_t query_time_ms = 0;  // member's clock, informational
  uint64_t block_time_ms = 0;  // authoritative
  uint64_t height = 0;

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.tx_id), v(r.member), v(r.subject_key), v(r.purpose), v(r.authorization_ref_hash), v(r.query_time_ms),
        v(r.block_time_ms), v(r.height);
  }
};

struct Counter {
  static constexpr std::string_view kTag = "cc/state/counter/v1";
  uint64_t value = 0;

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.value);
  }
};

// ---------------------------------------------------------------- governance

struct ProposedChange {
  pb::ChangeKind kind = pb::CHANGE_KIND_UNSPECIFIED;
  std::string member_id;
  std::string public_key;
  pb::Role role = pb::ROLE_UNSPECIFIED;
  std::string parameter;
  uint64_t value = 0;
  std::string display_name;

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.kind), v(r.member_id), v(r.public_key), v(r.role), v(r.parameter), v(r.value), v(r.display_name);
  }
};

enum class ProposalStatus : uint8_t { kPending = 0, kApproved = 1, kApplied = 2, kFailed = 3 };
std::string_view ProposalStatusName(ProposalStatus status);

struct ProposalRecord {
  static constexpr std::string_view kTag = "cc/state/proposal/v1";
  std::string tx_id;
  std::string proposer;
  ProposedChange change;
  uint64_t created_height = 0;
  uint64_t created_day = 0;
  std::vector<std::string> approvals;  // member ids, proposer first, in ledger order
  ProposalStatus status = ProposalStatus::kPending;
  uint64_t approved_height = 0;
  uint64_t applied_height = 0;  // block at whose start it was applied (or failed)
  std::string failure_code;     // when kFailed: why it could not be applied

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.tx_id), v(r.proposer), v(r.change), v(r.created_height), v(r.created_day), v(r.approvals),
        v(r.status), v(r.approved_height), v(r.applied_height), v(r.failure_code);
  }
};

struct RegulatoryActionRecord {
  static constexpr std::string_view kTag = "cc/state/regaction/v1";
  std::string tx_id;
  std::string regulator;
  std::string target_member;
  pb::RegulatoryActionKind kind = pb::REGULATORY_ACTION_KIND_UNSPECIFIED;
  std::string document_hash;
  uint64_t height = 0;
  uint64_t day = 0;

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.tx_id), v(r.regulator), v(r.target_member), v(r.kind), v(r.document_hash), v(r.height), v(r.day);
  }
};

// ---------------------------------------------------------------- statistics

// Reporting delay buckets, in days: 0, 1, 2-7, 8-30, over 30.
inline constexpr size_t kDelayBuckets = 5;
size_t DelayBucket(uint64_t delay_days);

struct MemberStats {
  static constexpr std::string_view kTag = "cc/state/memberstats/v1";
  uint64_t events_reported = 0;
  uint64_t delay_sum_days = 0;
  uint64_t delay_max_days = 0;
  std::array<uint64_t, kDelayBuckets> delay_buckets{};
  uint64_t corrections_received = 0;  // corrected amendments on this member's events
  uint64_t retractions_received = 0;
  uint64_t disputes_received = 0;
  uint64_t disputes_answered = 0;
  uint64_t disputes_answered_late = 0;
  uint64_t blacklist_added = 0;
  uint64_t blacklist_removed = 0;
  uint64_t queries_total = 0;

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.events_reported), v(r.delay_sum_days), v(r.delay_max_days), v(r.delay_buckets),
        v(r.corrections_received), v(r.retractions_received), v(r.disputes_received), v(r.disputes_answered),
        v(r.disputes_answered_late), v(r.blacklist_added), v(r.blacklist_removed), v(r.queries_total);
  }
};

struct AllianceCounters {
  static constexpr std::string_view kTag = "cc/state/counters/v1";
  std::array<uint64_t, 10> events_by_type{};     // index = pb::EventType
  std::array<uint64_t, 5> amendments_by_kind{};  // index = pb::AmendKind
  std::array<uint64_t, 5> queries_by_purpose{};  // index = pb::QueryPurpose
  uint64_t blacklist_added = 0;
  uint64_t blacklist_removed = 0;
  uint64_t proposals = 0;
  uint64_t changes_applied = 0;
  uint64_t changes_failed = 0;
  uint64_t regulatory_actions = 0;
  uint64_t txs_accepted = 0;
  uint64_t txs_rejected = 0;

  template <class V, class R>
  static void Fields(V& v, R& r) {
    v(r.events_by_type), v(r.amendments_by_kind), v(r.queries_by_purpose), v(r.blacklist_added),
        v(r.blacklist_removed), v(r.proposals), v(r.changes_applied), v(r.changes_failed),
        v(r.regulatory_actions), v(r.txs_accepted), v(r.txs_rejected);
  }
};

}  // namespace cc::contracts
