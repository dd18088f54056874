#include "tests/contracts/test_chain.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"
#include "proto/canonical.h"

namespace cc::contracts::testing {

TestChain::TestChain(const std::function<void(Genesis&)>& tweak) {
  genesis_.chain_id = kChainId;
  genesis_.genesis_time_ms = kStartDay * kMsPerDay;
  for (const char* id : {"bank-a", "bank-b", "bank-c", "bank-d", "lender-e", "regulator"}) {
    const std::string name = id;
    keys_.emplace(name, KeyFor(name));
    const pb::Role role = name == "regulator" ? pb::ROLE_REGULATOR : pb::ROLE_MEMBER;
    genesis_.members.push_back({name, "Test " + name, keys_.at(name).public_key(), role});
  }
  for (const char* op : {"bank-a", "bank-b", "bank-c", "bank-d"}) {
    genesis_.validators.push_back({KeyFor(std::string("validator/") + op).public_key(), op});
  }
  if (tweak) tweak(genesis_);
  const Status valid = ValidateGenesis(genesis_);
  if (!valid.ok()) ADD_FAILURE() << valid.ToString();
  state_.Apply(GenesisState(genesis_));
  root_ = GenesisStateRoot(genesis_);
  last_block_time_ms_ = genesis_.genesis_time_ms;
  now_ms_ = genesis_.genesis_time_ms + 3600 * 1000;
}

crypto::KeyPair TestChain::KeyFor(std::string_view name) {
  return crypto::KeyPair::FromSeed(crypto::Blake2b256(std::string("seed/") + std::string(name)));
}

std::string TestChain::Subject(std::string_view name) {
  return crypto::Blake2b256(std::string("subject/") + std::string(name));
}

std::string TestChain::Hash(std::string_view name) {
  return crypto::Blake2b256(std::string("record/") + std::string(name));
}

pb::TxBody TestChain::Body(const std::string& sender) {
  pb::TxBody body;
  body.set_chain_id(kChainId);
  body.set_sender(sender);
  body.set_nonce(++next_nonce_[sender]);
  body.set_not_before_ms(now_ms_ - 60 * 1000);
  body.set_not_after_ms(now_ms_ + 3600 * 1000);
  return body;
}

std::string TestChain::Sign(const pb::TxBody& body) const { return Sign(body, keys_.at(body.sender())); }

std::string TestChain::Sign(const pb::TxBody& body, const crypto::KeyPair& key) {
  pb::SignedTx tx;
  *tx.mutable_body() = body;
  tx.set_signature(key.Sign(proto::TxBodySigningBytes(body)));
  return tx.SerializeAsString();
}

std::string TestChain::RecordEvent(const std::string& sender, const std::string& subject, pb::EventType type,
                                   const std::string& loan, uint32_t event_day) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_record_event();
  p->set_subject_key(subject);
  p->set_event_type(type);
  p->set_loan_ref_hash(loan);
  p->set_amount_minor(500000);
  p->set_currency("CNY");
  p->set_event_day(event_day != 0 ? event_day : static_cast<uint32_t>(today()));
  p->set_record_hash(Hash(sender + "/" + std::to_string(body.nonce())));
  return Sign(body);
}

std::string TestChain::Amend(const std::string& sender, const std::string& event_tx_id, pb::AmendKind kind) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_amend_event();
  p->set_event_tx_id(event_tx_id);
  p->set_kind(kind);
  p->set_record_hash(Hash("amend/" + sender + "/" + std::to_string(body.nonce())));
  return Sign(body);
}

std::string TestChain::AddBlacklist(const std::string& sender, const std::string& subject,
                                    uint32_t expiry_day) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_add_blacklist();
  p->set_subject_key(subject);
  p->set_reason(pb::BLACKLIST_FRAUD);
  p->set_evidence_hash(Hash("evidence"));
  p->set_expiry_day(expiry_day);
  return Sign(body);
}

std::string TestChain::RemoveBlacklist(const std::string& sender, const std::string& entry_tx_id) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_remove_blacklist();
  p->set_entry_tx_id(entry_tx_id);
  p->set_reason_hash(Hash("removal"));
  return Sign(body);
}

std::string TestChain::Query(const std::string& sender, const std::string& subject,
                             pb::QueryPurpose purpose) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_query_audit();
  p->set_subject_key(subject);
  p->set_purpose(purpose);
  p->set_authorization_ref_hash(Hash("consent"));
  p->set_query_time_ms(now_ms_);
  return Sign(body);
}

std::string TestChain::Propose(const std::string& sender, const ProposedChange& c) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_propose_change();
  p->set_kind(c.kind);
  p->set_member_id(c.member_id);
  p->set_public_key(c.public_key);
  p->set_role(c.role);
  p->set_parameter(c.parameter);
  p->set_value(c.value);
  p->set_display_name(c.display_name);
  return Sign(body);
}

std::string TestChain::Approve(const std::string& sender, const std::string& proposal_tx_id) {
  pb::TxBody body = Body(sender);
  body.mutable_approve_change()->set_proposal_tx_id(proposal_tx_id);
  return Sign(body);
}

std::string TestChain::RegulatoryAction(const std::string& sender, const std::string& target) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_regulatory_action();
  p->set_kind(pb::REGULATORY_RECTIFICATION_ORDER);
  p->set_target_member(target);
  p->set_document_hash(Hash("order"));
  return Sign(body);
}

BlockResult TestChain::Run(const std::vector<std::string>& txs, const std::vector<uint32_t>& skip) {
  BlockContext ctx;
  ctx.height = height_ + 1;
  ctx.timestamp_ms = now_ms_;
  ctx.prev_state_root = root_;
  ctx.prev_block_time_ms = last_block_time_ms_;
  Result<BlockResult> r = ExecuteBlock(state_, ctx, txs, skip);
  if (!r.ok()) {
    ADD_FAILURE() << "ExecuteBlock: " << r.status().ToString();
    return BlockResult{};
  }
  state_.Apply(r->writes);
  root_ = r->state_root;
  height_ = ctx.height;
  last_block_time_ms_ = r->block_time_ms;
  now_ms_ += 1000;
  return std::move(r).value();
}

std::string TxId(const std::string& tx) { return proto::TxId(tx); }

}  // namespace cc::contracts::testing
