// Node: transactions coming in (clients' submissions through the API, peers'
// forwards and relays) and waiting for their commit.
#include <chrono>

#include "common/log.h"
#include "node/node.h"
#include "proto/canonical.h"

namespace cc::node {

namespace {

// Admitted transactions are forwarded in frames of at most this many bytes, far
// under the transport's frame limit, so one large submission is not one huge frame.
constexpr size_t kMaxForwardFrameBytes = 1 << 20;

}  // namespace

Result<std::string> Node::Submit(const std::string& raw) {
  auto results = SubmitMany({raw});
  return std::move(results.front());
}

std::vector<Result<std::string>> Node::SubmitMany(const std::vector<std::string>& raws) {
  std::vector<Result<std::string>> results;
  results.reserve(raws.size());
  std::vector<std::pair<std::string, std::string>> admitted;
  pb::PeerFrame frame;
  size_t frame_bytes = 0;
  std::vector<std::string> frame_ids;  // their signatures were checked here: attested
  auto flush = [&] {
    if (frame.tx_batch().txs_size() == 0) return;
    std::optional<pb::TxAttestation> attestation = Attest(frame_ids);
    if (attestation) *frame.mutable_tx_batch()->mutable_attestation() = *attestation;
    links_->BroadcastToValidators(frame.SerializeAsString());
    // Observers order nothing: they get the attestation alone, for the blocks to come.
    if (attestation) SendAttestation(std::move(*attestation), /*to_validators=*/false);
    frame.Clear();
    frame_bytes = 0;
    frame_ids.clear();
  };
  const uint64_t now_ms = clock_.WallMs();
  const uint64_t limit = backlog_.Limit();  // the commit rate is read once per call
  size_t refused = 0;
  for (const auto& raw : raws) {
    // The backlog check comes first: refusing costs nothing, admitting a signature.
    if (Status busy = backlog_.Check(mempool_->size(), limit); !busy.ok()) {
      results.push_back(std::move(busy));
      ++refused;
      continue;
    }
    auto id = admission_->Admit(raw, now_ms);
    if (id.ok()) {
      // Frames stay well under the transport's frame limit.
      if (frame_bytes + raw.size() > kMaxForwardFrameBytes) flush();
      frame.mutable_tx_batch()->add_txs(raw);
      frame_bytes += raw.size();
      frame_ids.push_back(*id);
      if (driver_) admitted.emplace_back(raw, *id);
    }
    results.push_back(std::move(id));
  }
  flush();
  if (driver_) driver_->PostRequests(std::move(admitted));
  if (refused != 0) metrics_.OnClientRefused(refused);
  return results;
}

Result<std::string> Node::SubmitAsMember(pb::TxBody body) {
  if (!member_key_) return Status::Error("no_member_key", "this node has no member key (member_key_file)");
  body.set_chain_id(genesis_.chain_id);
  body.set_sender(config_.member_id);
  pb::SignedTx tx;
  *tx.mutable_body() = std::move(body);
  tx.set_signature(member_key_->Sign(proto::TxBodySigningBytes(tx.body())));
  return Submit(tx.SerializeAsString());
}

std::optional<ledger::TxLocation> Node::WaitForCommit(const std::string& tx_id,
                                                      std::chrono::milliseconds timeout) {
  // Real time: the deadline bounds the wait, the ledger decides the answer.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_lock<std::mutex> lock(commit_mu_);
  for (;;) {
    auto loc = ledger_->FindTx(tx_id);
    if (loc.ok()) return *loc;
    if (stopping_ || commit_cv_.wait_until(lock, deadline) == std::cv_status::timeout) {
      auto last = ledger_->FindTx(tx_id);
      if (last.ok()) return *last;
      return std::nullopt;
    }
  }
}

void Node::AdmitFromPeer(std::vector<std::string> raws, std::optional<uint32_t> from,
                         std::optional<pb::TxAttestation> attestation) {
  if (raws.empty()) return;
  const size_t count = raws.size();
  auto batch = std::make_shared<std::vector<std::string>>(std::move(raws));
  auto attested = std::make_shared<std::optional<pb::TxAttestation>>(std::move(attestation));
  const bool queued = pool_->TrySubmit([this, batch, from, attested] {
    // The forwarder's attestation first, so a signature it completes to f+1 is not
    // checked below.
    const bool forwarder_attested = from && *attested && AcceptAttestation(*from, **attested);
    // Who checks signatures now: the primary (it is about to order them) and, with
    // the forwarder, enough validators after it that f+1 attest every forwarded
    // transaction (ChecksForward). A backup otherwise checks each when it executes
    // it, unless f+1 attestations or its own admission of the same bytes spare it.
    const uint32_t primary = driver_->primary();
    const bool check = primary == *validator_index_ ||
                       (from && ChecksForward(*validator_index_, *from, forwarder_attested, primary,
                                              static_cast<uint32_t>(validator_keys_.size())));
    const uint64_t now_ms = clock_.WallMs();
    std::vector<std::pair<std::string, std::string>> admitted;
    admitted.reserve(batch->size());
    for (auto& raw : *batch) {
      auto id = check ? admission_->Admit(raw, now_ms) : admission_->AdmitForwarded(raw);
      if (id.ok()) admitted.emplace_back(std::move(raw), std::move(id).value());
    }
    if (check && from) {
      // Sent before the transactions reach consensus: on every link it arrives
      // ahead of the pre-prepare that orders them.
      std::vector<std::string> ids;
      ids.reserve(admitted.size());
      for (const auto& a : admitted) ids.push_back(a.second);
      if (auto attestation = Attest(ids)) SendAttestation(std::move(*attestation), /*to_validators=*/true);
    }
    driver_->PostRequests(std::move(admitted));
  });
  if (!queued) metrics_.OnForwardDropped(count);
}

std::optional<pb::TxAttestation> Node::Attest(const std::vector<std::string>& ids) {
  if (!validator_index_ || ids.empty()) return std::nullopt;
  // The keys admission checked the signatures with (VerifiedSignatures remembers
  // them); an entry the bounded cache already dropped is left out.
  auto attestation = attestations_->Sign(signatures_.Known(ids));
  if (attestation) metrics_.OnAttestationSigned();
  return attestation;
}

void Node::SendAttestation(pb::TxAttestation attestation, bool to_validators) {
  pb::PeerFrame frame;
  *frame.mutable_attestation() = std::move(attestation);
  const std::string bytes = frame.SerializeAsString();
  if (to_validators) links_->BroadcastToValidators(bytes);
  links_->SendToObservers(bytes);
}

bool Node::AcceptAttestation(uint32_t from, const pb::TxAttestation& attestation) {
  auto vouched = attestations_->Accept(from, attestation);
  if (!vouched.ok()) {
    metrics_.OnAttestationRefused();
    Log(LogLevel::kDebug, "attestation refused",
        {{"validator", std::to_string(from)}, {"reason", vouched.status().ToString()}});
    return false;
  }
  metrics_.OnAttestationAccepted(*vouched);
  return true;
}

}  // namespace cc::node
