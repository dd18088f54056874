#include "tests/consensus/sim/sim_checker.h"

#include <algorithm>

#include "proto/canonical.h"
#include "tests/consensus/sim/sim_crypto.h"

namespace cc::sim {

namespace {
std::string R(uint32_t r) { return "replica " + std::to_string(r); }
std::string S(uint64_t s) { return "sequence " + std::to_string(s); }
}  // namespace

SafetyChecker::SafetyChecker(std::string chain_id, uint32_t n, consensus::Verifier& verifier,
                             bool check_certificates, uint64_t duplicate_window)
    : chain_id_(std::move(chain_id)),
      n_(n),
      f_((n - 1) / 3),
      verifier_(verifier),
      check_certificates_(check_certificates),
      duplicate_window_(duplicate_window),
      occurrences_(n),
      executed_(n) {}

std::string SafetyChecker::OnCommitted(uint32_t r, uint64_t height, const consensus::CommittedBatch& c) {
  ++checks_;
  const uint64_t seq = c.sequence;
  const std::string digest = proto::BatchDigestOf(c.batch);
  if (seq <= height) {
    const std::string& had = agreed_.count(seq) ? agreed_[seq].digest : std::string();
    return "committed prefix rewritten: " + R(r) + " committed " + S(seq) + " again (digest " +
           ShortHex(digest) + (digest == had ? ", same" : ", was " + ShortHex(had)) +
           ") after executing up to " + std::to_string(height);
  }
  if (seq != height + 1) {
    return "committed sequence not contiguous: " + R(r) + " committed " + S(seq) + " with ledger height " +
           std::to_string(height);
  }
  const auto& cert = c.certificate;
  if (cert.sequence() != seq || cert.digest() != digest) {
    return "certificate does not match batch: " + R(r) + " " + S(seq) + " batch digest " + ShortHex(digest) +
           ", certificate s" + std::to_string(cert.sequence()) + " d=" + ShortHex(cert.digest());
  }
  if (check_certificates_) {
    std::set<uint32_t> valid;
    for (const auto& sig : cert.signatures()) {
      if (sig.validator() >= n_) continue;
      const std::string bytes =
          proto::CommitSigningBytes(chain_id_, cert.view(), seq, digest, sig.validator());
      if (verifier_.Verify(sig.validator(), bytes, sig.signature())) valid.insert(sig.validator());
    }
    if (valid.size() < 2 * f_ + 1) {
      return "certificate without quorum: " + R(r) + " " + S(seq) + " has " + std::to_string(valid.size()) +
             " distinct valid commit signatures, needs " + std::to_string(2 * f_ + 1);
    }
  }

  std::vector<std::string> ids = proto::TxIds(c.batch);
  auto [it, first] = agreed_.try_emplace(seq);
  Agreed& a = it->second;
  if (first) {
    a.first = r;
    a.digest = digest;
    a.ids = ids;
  } else if (a.digest != digest || a.ids != ids) {
    return "SAFETY: " + R(r) + " committed digest " + ShortHex(digest) + " (" + std::to_string(ids.size()) +
           " requests) at " + S(seq) + " but " + R(a.first) + " committed " + ShortHex(a.digest) + " (" +
           std::to_string(a.ids.size()) + " requests)";
  }

  auto& occurs = occurrences_[r];
  std::unordered_set<std::string> in_batch;
  for (uint32_t d : c.duplicates) {
    if (d >= ids.size()) {
      return "duplicate index out of range: " + R(r) + " " + S(seq) + " index " + std::to_string(d);
    }
  }
  for (uint32_t i = 0; i < ids.size(); ++i) {
    const bool flagged = std::find(c.duplicates.begin(), c.duplicates.end(), i) != c.duplicates.end();
    bool recent = !in_batch.insert(ids[i]).second;
    auto it = occurs.find(ids[i]);
    if (it != occurs.end()) {
      for (uint64_t at : it->second) recent |= at < seq && at + duplicate_window_ >= seq;
    }
    if (!flagged && recent) {
      return "request delivered twice: " + R(r) + " " + S(seq) + " executes request " + ShortHex(ids[i]) +
             " (index " + std::to_string(i) +
             ") again, not marked duplicate although it occurs in the previous " +
             std::to_string(duplicate_window_) + " batches";
    }
    if (flagged && !recent) {
      return "request skipped: " + R(r) + " " + S(seq) + " marks request " + ShortHex(ids[i]) + " (index " +
             std::to_string(i) + ") duplicate but it occurs in none of the previous " +
             std::to_string(duplicate_window_) + " batches";
    }
    if (!flagged) executed_[r].insert(ids[i]);
  }
  for (const auto& id : ids) occurs[id].push_back(seq);
  return "";
}

std::string SafetyChecker::OnExecuted(uint32_t r, const ExecutedBlock& block) {
  const uint64_t seq = block.block.block().header().height();
  Agreed& a = agreed_[seq];
  if (a.block_hash.empty()) {
    a.block_hash = block.hash;
    return "";
  }
  if (a.block_hash != block.hash) {
    return "SAFETY (state): " + R(r) + " block hash " + ShortHex(block.hash) + " at " + S(seq) +
           " differs from the first honest block hash " + ShortHex(a.block_hash) +
           " (same batch, different duplicate list or chain)";
  }
  return "";
}

std::string SafetyChecker::OnEvidence(uint32_t r, const pb::Evidence& e) {
  VoteInfo a, b;
  if (!DescribeVote(e.first(), &a) || !DescribeVote(e.second(), &b)) {
    return "bad evidence from " + R(r) + ": not two votes";
  }
  if (a.replica != e.replica() || b.replica != e.replica() || a.view != e.view() || b.view != e.view() ||
      a.sequence != e.sequence() || b.sequence != e.sequence() || a.digest == b.digest) {
    return "bad evidence from " + R(r) + " against " + R(e.replica()) +
           ": votes do not conflict for its (view, sequence)";
  }
  if (!VoteSignatureValid(chain_id_, verifier_, e.first()) ||
      !VoteSignatureValid(chain_id_, verifier_, e.second())) {
    return "bad evidence from " + R(r) + " against " + R(e.replica()) + ": invalid signature";
  }
  if (honest(e.replica())) {
    return "honest " + R(e.replica()) + " accused by " + R(r) + " at v" + std::to_string(e.view()) + " s" +
           std::to_string(e.sequence()) +
           " (an honest replica signed two digests: equivocation after restart?)";
  }
  ++evidence_[e.replica()];
  return "";
}

uint64_t SafetyChecker::evidence_against(uint32_t accused) const {
  auto it = evidence_.find(accused);
  return it == evidence_.end() ? 0 : it->second;
}

}  // namespace cc::sim
