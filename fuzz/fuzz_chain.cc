#include "fuzz/fuzz_chain.h"

#include <cstdio>
#include <cstdlib>

#include "crypto/hash.h"
#include "ledger/block.h"
#include "proto/canonical.h"

namespace cc::fuzz {

namespace {

const char* const kMembers[] = {"bank-a", "bank-b", "bank-c", "bank-d", "lender-e", "regulator"};
const char* const kOperators[] = {"bank-a", "bank-b", "bank-c", "bank-d"};

[[noreturn]] void Broken(const std::string& what) {
  std::fprintf(stderr, "FuzzChain: %s\n", what.c_str());
  std::abort();
}

contracts::Genesis MakeGenesis() {
  contracts::Genesis g;
  g.chain_id = kFuzzChainId;
  g.genesis_time_ms = kFuzzGenesisMs;
  for (const char* id : kMembers) {
    const std::string name = id;
    const pb::Role role = name == "regulator" ? pb::ROLE_REGULATOR : pb::ROLE_MEMBER;
    g.members.push_back({name, "Fuzz " + name, KeyFor(name).public_key(), role});
  }
  for (const char* op : kOperators)
    g.validators.push_back({KeyFor(std::string("validator/") + op).public_key(), op});
  const Status valid = contracts::ValidateGenesis(g);
  if (!valid.ok()) Broken("genesis: " + valid.ToString());
  return g;
}

}  // namespace

crypto::KeyPair KeyFor(const std::string& name) {
  return crypto::KeyPair::FromSeed(crypto::Blake2b256("fuzz-seed/" + name));
}

const contracts::Genesis& FuzzGenesis() {
  static const contracts::Genesis genesis = MakeGenesis();
  return genesis;
}

std::vector<std::string> ValidatorPublicKeys() {
  std::vector<std::string> keys;
  for (const auto& v : FuzzGenesis().validators) keys.push_back(v.public_key);
  return keys;
}

const crypto::KeyPair& ValidatorKey(uint32_t index) {
  static const std::vector<crypto::KeyPair> keys = [] {
    std::vector<crypto::KeyPair> out;
    for (const char* op : kOperators) out.push_back(KeyFor(std::string("validator/") + op));
    return out;
  }();
  return keys.at(index);
}

std::string SignAs(const pb::TxBody& body) {
  return WithSignature(body, KeyFor(body.sender()).Sign(proto::TxBodySigningBytes(body)));
}

std::string WithSignature(const pb::TxBody& body, const std::string& signature) {
  pb::SignedTx tx;
  *tx.mutable_body() = body;
  tx.set_signature(signature);
  return tx.SerializeAsString();
}

pb::CommitCertificate Certify(uint64_t height, const std::string& digest, uint64_t view,
                              const std::vector<uint32_t>& signers) {
  pb::CommitCertificate cert;
  cert.set_view(view);
  cert.set_sequence(height);
  cert.set_digest(digest);
  for (uint32_t v : signers) {
    pb::CommitSignature* sig = cert.add_signatures();
    sig->set_validator(v);
    sig->set_signature(
        ValidatorKey(v).Sign(proto::CommitSigningBytes(kFuzzChainId, view, height, digest, v)));
  }
  return cert;
}

std::string SubjectKey(const std::string& label) { return crypto::Blake2b256("fuzz-subject/" + label); }
std::string Commitment(const std::string& label) { return crypto::Blake2b256("fuzz-commitment/" + label); }

FuzzChain::FuzzChain()
    : state_(ledger_, FuzzGenesis()),
      executor_(ledger_, FuzzGenesis(), state_, nullptr),
      now_ms_(kFuzzGenesisMs + 3'600'000) {}

pb::TxBody FuzzChain::Body(const std::string& sender) {
  pb::TxBody body;
  body.set_chain_id(kFuzzChainId);
  body.set_sender(sender);
  body.set_nonce(++nonces_[sender]);
  body.set_not_before_ms(now_ms_ - 60'000);
  body.set_not_after_ms(now_ms_ + 3'600'000);
  return body;
}

std::string FuzzChain::RecordEvent(const std::string& sender, const std::string& subject,
                                   pb::EventType type) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_record_event();
  p->set_subject_key(subject);
  p->set_event_type(type);
  p->set_loan_ref_hash(Commitment("loan/" + sender + "/" + subject));
  p->set_amount_minor(500'000);
  p->set_currency("CNY");
  p->set_event_day(static_cast<uint32_t>(now_ms_ / 86'400'000));
  p->set_record_hash(Commitment("record/" + sender + "/" + std::to_string(body.nonce())));
  return SignAs(body);
}

std::string FuzzChain::Amend(const std::string& sender, const std::string& event_tx_id, pb::AmendKind kind) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_amend_event();
  p->set_event_tx_id(event_tx_id);
  p->set_kind(kind);
  p->set_record_hash(Commitment("amend/" + sender + "/" + std::to_string(body.nonce())));
  return SignAs(body);
}

std::string FuzzChain::AddBlacklist(const std::string& sender, const std::string& subject) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_add_blacklist();
  p->set_subject_key(subject);
  p->set_reason(pb::BLACKLIST_FRAUD);
  p->set_evidence_hash(Commitment("evidence/" + subject));
  return SignAs(body);
}

std::string FuzzChain::RemoveBlacklist(const std::string& sender, const std::string& entry_tx_id) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_remove_blacklist();
  p->set_entry_tx_id(entry_tx_id);
  p->set_reason_hash(Commitment("removal"));
  return SignAs(body);
}

std::string FuzzChain::Query(const std::string& sender, const std::string& subject) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_query_audit();
  p->set_subject_key(subject);
  p->set_purpose(pb::QUERY_LOAN_APPLICATION);
  p->set_authorization_ref_hash(Commitment("consent/" + subject));
  p->set_query_time_ms(now_ms_);
  return SignAs(body);
}

std::string FuzzChain::Propose(const std::string& sender, pb::ChangeKind kind, const std::string& member_id,
                               const std::string& public_key) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_propose_change();
  p->set_kind(kind);
  p->set_member_id(member_id);
  p->set_public_key(public_key);
  if (kind == pb::CHANGE_ADD_MEMBER) {
    p->set_role(pb::ROLE_MEMBER);
    p->set_display_name("Fuzz " + member_id);
  }
  return SignAs(body);
}

std::string FuzzChain::Approve(const std::string& sender, const std::string& proposal_tx_id) {
  pb::TxBody body = Body(sender);
  body.mutable_approve_change()->set_proposal_tx_id(proposal_tx_id);
  return SignAs(body);
}

std::string FuzzChain::RegulatoryAction(const std::string& sender, const std::string& target) {
  pb::TxBody body = Body(sender);
  auto* p = body.mutable_regulatory_action();
  p->set_kind(pb::REGULATORY_RECTIFICATION_ORDER);
  p->set_target_member(target);
  p->set_document_hash(Commitment("order/" + target));
  return SignAs(body);
}

const pb::CertifiedBlock& FuzzChain::Commit(const std::vector<std::string>& txs) {
  pb::Batch batch;
  batch.set_timestamp_ms(now_ms_);
  for (const auto& tx : txs) batch.add_requests(tx);
  const uint64_t height = ledger_.Height() + 1;
  auto executed = executor_.Execute(batch, Certify(height, proto::BatchDigestOf(batch), 0, {0, 1, 2}));
  if (!executed.ok()) Broken("execute: " + executed.status().ToString());
  if (!executed->rejected.empty()) Broken("a fixture transaction was rejected");
  const Status appended = ledger_.Append(executed->block, executed->writes);
  if (!appended.ok()) Broken("append: " + appended.ToString());
  now_ms_ += 1000;
  blocks_.push_back(executed->block);
  return blocks_.back();
}

std::unique_ptr<FuzzChain> FuzzChain::Populated() {
  auto c = std::make_unique<FuzzChain>();
  const std::string alice = SubjectKey("alice");
  const std::string bob = SubjectKey("bob");
  const std::string event = c->RecordEvent("bank-b", alice, pb::EVENT_LOAN_OPENED);
  const std::string overdue = c->RecordEvent("bank-c", bob, pb::EVENT_OVERDUE_30);
  const std::string listed = c->AddBlacklist("bank-a", bob);
  const std::string listed2 = c->AddBlacklist("bank-d", alice);
  const std::string proposal =
      c->Propose("bank-a", pb::CHANGE_ADD_MEMBER, "bank-f", KeyFor("bank-f").public_key());
  c->Commit({event, overdue, listed, listed2, proposal});
  const std::string amend = c->Amend("bank-b", proto::TxId(event), pb::AMEND_CORRECTED);
  const std::string removal = c->RemoveBlacklist("bank-a", proto::TxId(listed));
  const std::string query = c->Query("bank-a", alice);
  const std::string approval = c->Approve("bank-b", proto::TxId(proposal));
  const std::string action = c->RegulatoryAction("regulator", "lender-e");
  c->Commit({amend, removal, query, approval, action});
  c->ids["event"] = {proto::TxId(event), proto::TxId(overdue)};
  c->ids["blacklist"] = {proto::TxId(listed), proto::TxId(listed2)};
  c->ids["proposal"] = {proto::TxId(proposal)};
  c->ids["other"] = {proto::TxId(amend), proto::TxId(removal), proto::TxId(query), proto::TxId(approval),
                     proto::TxId(action)};
  return c;
}

}  // namespace cc::fuzz
