#include "tests/api/fake_backend.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "contracts/executor.h"
#include "crypto/hash.h"
#include "proto/canonical.h"

namespace cc::api::testing {

namespace {

contracts::Genesis MakeGenesis() {
  contracts::Genesis g;
  g.chain_id = kFakeChainId;
  g.genesis_time_ms = kFakeStartMs - contracts::kMsPerDay;
  for (const char* id : {"bank-a", "bank-b", "bank-c", "bank-d", "regulator"}) {
    const pb::Role role = std::string(id) == "regulator" ? pb::ROLE_REGULATOR : pb::ROLE_MEMBER;
    g.members.push_back({id, std::string("Test ") + id, FakeBackend::KeyFor(id).public_key(), role});
  }
  for (const char* op : {"bank-a", "bank-b", "bank-c", "bank-d"}) {
    g.validators.push_back({FakeBackend::KeyFor(std::string("validator/") + op).public_key(), op});
  }
  return g;
}

// A broken fixture, not an API answer: stop the test binary loudly.
[[noreturn]] void Broken(const char* what, const Status& status) {
  std::fprintf(stderr, "FakeBackend: %s: %s\n", what, status.ToString().c_str());
  std::abort();
}

}  // namespace

FakeBackend::FakeBackend(FakeClock& clock)
    : clock_(clock),
      genesis_(MakeGenesis()),
      member_key_(KeyFor(member_id_)),
      secret_(crypto::Blake2b256("fake alliance secret")),
      state_(ledger_, genesis_),
      executor_(ledger_, genesis_, state_, nullptr) {}

crypto::KeyPair FakeBackend::KeyFor(const std::string& name) {
  return crypto::KeyPair::FromSeed(crypto::Blake2b256("seed/" + name));
}

std::string FakeBackend::Sign(pb::TxBody body, const std::string& sender) const {
  body.set_chain_id(kFakeChainId);
  body.set_sender(sender);
  pb::SignedTx tx;
  *tx.mutable_body() = std::move(body);
  tx.set_signature(KeyFor(sender).Sign(proto::TxBodySigningBytes(tx.body())));
  return tx.SerializeAsString();
}

pb::TxBody FakeBackend::EventBody(const std::string& subject, uint64_t nonce) const {
  const uint64_t now = clock_.WallMs();
  pb::TxBody body;
  body.set_nonce(nonce);
  body.set_not_before_ms(now - 60'000);
  body.set_not_after_ms(now + 600'000);
  auto* e = body.mutable_record_event();
  e->set_subject_key(subject);
  e->set_event_type(pb::EVENT_LOAN_OPENED);
  e->set_loan_ref_hash(crypto::Blake2b256("loan/" + std::to_string(nonce)));
  e->set_amount_minor(500000);
  e->set_currency("CNY");
  e->set_event_day(static_cast<uint32_t>(now / contracts::kMsPerDay));
  e->set_record_hash(crypto::Blake2b256("record/" + std::to_string(nonce)));
  return body;
}

void FakeBackend::set_auto_commit(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  auto_commit_ = on;
}

size_t FakeBackend::submitted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return submitted_;
}

uint64_t FakeBackend::CommitPending() {
  std::lock_guard<std::mutex> lock(mu_);
  return CommitLocked();
}

uint64_t FakeBackend::CommitLocked() {
  if (pending_.empty()) return 0;
  pb::Batch batch;
  batch.set_timestamp_ms(clock_.WallMs());
  for (const auto& raw : pending_) batch.add_requests(raw);
  // No validator signs here: the certificate names the block but carries no
  // signatures (the ledger checks its shape, verify-proof would refuse it).
  pb::CommitCertificate certificate;
  certificate.set_sequence(ledger_.Height() + 1);
  certificate.set_digest(proto::BatchDigestOf(batch));
  auto executed = executor_.Execute(batch, certificate);
  if (!executed.ok()) Broken("executing a block", executed.status());
  Status appended = ledger_.Append(executed->block, executed->writes);
  if (!appended.ok()) Broken("appending a block", appended);
  pending_.clear();
  pending_ids_.clear();
  const uint64_t height = executed->block.block().header().height();
  for (const auto& l : listeners_) l(height, executed->tx_ids);
  return height;
}

NodeStatus FakeBackend::StatusSnapshot() const {
  NodeStatus s;
  s.name = "fake";
  s.validator = true;
  s.validator_index = 0;
  s.primary = 0;
  s.validators = genesis_.validators.size();
  std::lock_guard<std::mutex> lock(mu_);
  s.mempool_transactions = pending_.size();
  s.ready = true;
  return s;
}

bool FakeBackend::MempoolContains(const std::string& tx_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::find(pending_ids_.begin(), pending_ids_.end(), tx_id) != pending_ids_.end();
}

Result<std::string> FakeBackend::Submit(const std::string& raw) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string id = proto::TxId(raw);
  if (std::find(pending_ids_.begin(), pending_ids_.end(), id) != pending_ids_.end()) {
    return Status::Error("duplicate", "transaction is already pending");
  }
  if (ledger_.FindTx(id).ok()) return Status::Error("already_committed", "transaction is already committed");
  CC_RETURN_IF_ERROR(contracts::PrecheckTx(state_, raw, clock_.WallMs()));
  pending_.push_back(raw);
  pending_ids_.push_back(id);
  ++submitted_;
  if (auto_commit_) CommitLocked();
  return id;
}

Result<std::string> FakeBackend::SubmitAsMember(pb::TxBody body) {
  return Submit(Sign(std::move(body), member_id_));
}

std::optional<ledger::TxLocation> FakeBackend::WaitForCommit(const std::string& tx_id,
                                                             std::chrono::milliseconds) {
  // Commits happen inside Submit or CommitPending: there is nothing to wait for.
  auto loc = ledger_.FindTx(tx_id);
  if (loc.ok()) return *loc;
  return std::nullopt;
}

void FakeBackend::AddCommitListener(CommitListener listener) {
  std::lock_guard<std::mutex> lock(mu_);
  listeners_.push_back(std::move(listener));
}

}  // namespace cc::api::testing
