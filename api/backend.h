// Backend: what the HTTP API's handlers need from the node that serves them.
//
// api/ owns this interface (STYLE.md 7: interfaces belong to their consumer); node/
// implements it over the running daemon, and tests implement it over a
// MemoryLedger with no network (tests/api/fake_backend.h). Handlers never see the
// daemon's threads, sockets or consensus driver: only the ledger, the state it
// executes to, submission, commit waiting, a status snapshot and the clock.
//
// Thread safety: every method may be called from any HTTP I/O thread at once.
// Lifetime: the backend outlives the router and every handler registered with it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "contracts/genesis.h"
#include "contracts/state_reader.h"
#include "ledger/ledger.h"
#include "proto/creditchain.pb.h"

namespace cc::api {

struct PeerView {
  std::string name;
  std::string public_key;  // raw
  std::optional<uint32_t> validator;
  bool connected = false;
  std::optional<uint64_t> view;  // validators: the view it announced lately
};

// A snapshot for GET /v1/status.
struct NodeStatus {
  std::string name;
  bool validator = false;
  std::optional<uint32_t> validator_index;
  std::optional<uint32_t> primary;  // validators only
  uint64_t view = 0;
  uint64_t view_changes = 0;
  bool in_view_change = false;
  // Validators only (node/view_health.h). `participating`: not changing view, and a
  // quorum of validators in this view; otherwise `not_participating_reason` says
  // why, since `not_participating_ms`. `participation_alarm`: for longer than twice
  // the view-change timeout (what /readyz refuses on).
  std::optional<bool> participating;
  uint32_t validators_in_view = 0;
  std::optional<uint64_t> quorum_view;
  std::string not_participating_reason;
  uint64_t not_participating_ms = 0;
  bool participation_alarm = false;
  bool giving_up = false;  // this validator's timeout for `view` stands
  uint64_t view_timeouts = 0;
  uint64_t relayed_requests = 0;  // client requests relayed (consensus/README.md)
  uint64_t stable_checkpoint = 0;
  size_t validators = 0;
  std::vector<PeerView> peers;
  size_t mempool_transactions = 0;
  uint64_t mempool_bytes = 0;
  bool ready = false;
  // Observers only.
  uint64_t observer_verified_certificates = 0;
  uint64_t observer_rejected_blocks = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual const contracts::Genesis& genesis() const = 0;
  virtual const ledger::Ledger& ledger() const = 0;
  // The state every reader sees (the ledger's state, or genesis before block 1).
  virtual const contracts::StateReader& state() const = 0;
  virtual const Clock& clock() const = 0;

  // This node's member id ("" when it has none), whether it holds that member's
  // signing key, and the alliance secret (32 bytes) when it has the secret file.
  virtual const std::string& member_id() const = 0;
  virtual bool has_member_key() const = 0;
  virtual const std::optional<std::string>& alliance_secret() const = 0;

  virtual NodeStatus StatusSnapshot() const = 0;
  // Connected to a quorum of validators (validators) or caught up (observers).
  virtual bool Ready() const = 0;
  virtual bool MempoolContains(const std::string& tx_id) const = 0;
  // The Prometheus text of /metrics.
  virtual std::string RenderMetrics() = 0;
  virtual std::vector<pb::Evidence> Evidence() const = 0;

  // Admits a signed transaction (SignedTx bytes) and hands it to consensus; the
  // transaction id, or the admission error (codes in docs/api.md).
  virtual Result<std::string> Submit(const std::string& raw) = 0;
  // Submits many at once: one result per transaction, in order. The node may hand
  // them on together (one frame per peer, one wake-up of consensus), which is what
  // makes a batch cheaper than as many Submit calls.
  virtual std::vector<Result<std::string>> SubmitMany(const std::vector<std::string>& raws) {
    std::vector<Result<std::string>> out;
    out.reserve(raws.size());
    for (const auto& raw : raws) out.push_back(Submit(raw));
    return out;
  }
  // Signs `body` with this node's member key (chain id and sender filled in) and
  // submits it. Code "no_member_key" when the node has none.
  virtual Result<std::string> SubmitAsMember(pb::TxBody body) = 0;
  // Waits until `tx_id` is committed or `timeout` passes (real time: a deadline
  // bounds the wait only); its location if committed.
  virtual std::optional<ledger::TxLocation> WaitForCommit(const std::string& tx_id,
                                                          std::chrono::milliseconds timeout) = 0;
  // `listener(height, tx_ids)` runs on the committing thread after each block is
  // durably appended; it must be quick and never block. REQUIRES: called before the
  // node starts committing (while routes are registered).
  using CommitListener = std::function<void(uint64_t height, const std::vector<std::string>& tx_ids)>;
  virtual void AddCommitListener(CommitListener listener) = 0;
};

}  // namespace cc::api
