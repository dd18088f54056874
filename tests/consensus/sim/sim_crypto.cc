#include "tests/consensus/sim/sim_crypto.h"

#include "common/canonical.h"
#include "common/hex.h"
#include "crypto/hash.h"
#include "proto/canonical.h"

namespace cc::sim {

std::vector<crypto::KeyPair> MakeValidatorKeys(uint64_t seed, uint32_t n) {
  std::vector<crypto::KeyPair> keys;
  keys.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    CanonicalWriter w("creditchain-sim/key");
    w.U64(seed).U32(i);
    keys.push_back(crypto::KeyPair::FromSeed(crypto::Blake2b256(w.bytes())));
  }
  return keys;
}

bool VerifyCache::Check(uint32_t replica, std::string_view message, std::string_view signature,
                        const std::string& public_key) {
  CanonicalWriter w("k");
  w.U32(replica).Bytes(message).Bytes(signature);
  auto [it, inserted] = verdicts_.try_emplace(w.Take(), false);
  if (inserted) {
    ++verifications_;
    it->second = crypto::Verify(public_key, message, signature);
  }
  return it->second;
}

std::string SimSigner::Sign(std::string_view message) {
  ++signatures_;
  return key_.Sign(message);
}

bool SimVerifier::Verify(uint32_t replica, std::string_view message, std::string_view signature) {
  if (replica >= public_keys_.size()) return false;
  ++verifications_;
  if (cache_ != nullptr) return cache_->Check(replica, message, signature, public_keys_[replica]);
  return crypto::Verify(public_keys_[replica], message, signature);
}

void ReSign(std::string_view chain_id, const crypto::KeyPair& key, pb::ConsensusMessage* m) {
  switch (m->kind_case()) {
    case pb::ConsensusMessage::kPreprepare: {
      auto* p = m->mutable_preprepare();
      p->set_signature(key.Sign(
          proto::PrePrepareSigningBytes(chain_id, p->view(), p->sequence(), p->digest(), p->replica())));
      break;
    }
    case pb::ConsensusMessage::kPrepare: {
      auto* p = m->mutable_prepare();
      p->set_signature(key.Sign(
          proto::PrepareSigningBytes(chain_id, p->view(), p->sequence(), p->digest(), p->replica())));
      break;
    }
    case pb::ConsensusMessage::kCommit: {
      auto* p = m->mutable_commit();
      p->set_signature(
          key.Sign(proto::CommitSigningBytes(chain_id, p->view(), p->sequence(), p->digest(), p->replica())));
      break;
    }
    case pb::ConsensusMessage::kCheckpoint: {
      auto* p = m->mutable_checkpoint();
      p->set_signature(
          key.Sign(proto::CheckpointSigningBytes(chain_id, p->sequence(), p->state_digest(), p->replica())));
      break;
    }
    case pb::ConsensusMessage::kViewChange: {
      auto* p = m->mutable_view_change();
      p->set_signature(key.Sign(proto::ViewChangeSigningBytes(chain_id, *p)));
      break;
    }
    case pb::ConsensusMessage::kNewView: {
      auto* p = m->mutable_new_view();
      p->set_signature(key.Sign(proto::NewViewSigningBytes(chain_id, *p)));
      break;
    }
    default:
      break;
  }
}

bool DescribeVote(const pb::ConsensusMessage& m, VoteInfo* out) {
  switch (m.kind_case()) {
    case pb::ConsensusMessage::kPreprepare:
      *out = {"preprepare", m.preprepare().view(), m.preprepare().sequence(), m.preprepare().digest(),
              m.preprepare().replica()};
      return true;
    case pb::ConsensusMessage::kPrepare:
      *out = {"prepare", m.prepare().view(), m.prepare().sequence(), m.prepare().digest(),
              m.prepare().replica()};
      return true;
    case pb::ConsensusMessage::kCommit:
      *out = {"commit", m.commit().view(), m.commit().sequence(), m.commit().digest(), m.commit().replica()};
      return true;
    default:
      return false;
  }
}

bool VoteSignatureValid(std::string_view chain_id, consensus::Verifier& verifier,
                        const pb::ConsensusMessage& m) {
  VoteInfo v;
  if (!DescribeVote(m, &v)) return false;
  std::string bytes;
  std::string_view signature;
  if (m.has_preprepare()) {
    bytes = proto::PrePrepareSigningBytes(chain_id, v.view, v.sequence, v.digest, v.replica);
    signature = m.preprepare().signature();
  } else if (m.has_prepare()) {
    bytes = proto::PrepareSigningBytes(chain_id, v.view, v.sequence, v.digest, v.replica);
    signature = m.prepare().signature();
  } else {
    bytes = proto::CommitSigningBytes(chain_id, v.view, v.sequence, v.digest, v.replica);
    signature = m.commit().signature();
  }
  return verifier.Verify(v.replica, bytes, signature);
}

std::string ShortHex(std::string_view bytes) { return ToHex(bytes).substr(0, 6); }

std::string Describe(const pb::ConsensusMessage& m) {
  VoteInfo v;
  if (DescribeVote(m, &v)) {
    std::string s = std::string(v.kind) + " v" + std::to_string(v.view) + " s" + std::to_string(v.sequence) +
                    " d=" + ShortHex(v.digest) + " r" + std::to_string(v.replica);
    if (m.has_preprepare() && m.preprepare().has_batch()) {
      s += " batch(" + std::to_string(m.preprepare().batch().requests_size()) + " req)";
    }
    return s;
  }
  switch (m.kind_case()) {
    case pb::ConsensusMessage::kCheckpoint:
      return "checkpoint s" + std::to_string(m.checkpoint().sequence()) +
             " d=" + ShortHex(m.checkpoint().state_digest()) + " r" +
             std::to_string(m.checkpoint().replica());
    case pb::ConsensusMessage::kViewChange:
      return "view-change v" + std::to_string(m.view_change().new_view()) + " stable s" +
             std::to_string(m.view_change().stable_sequence()) +
             " prepared=" + std::to_string(m.view_change().prepared_size()) + " r" +
             std::to_string(m.view_change().replica());
    case pb::ConsensusMessage::kNewView:
      return "new-view v" + std::to_string(m.new_view().view()) +
             " vcs=" + std::to_string(m.new_view().view_changes_size()) +
             " pps=" + std::to_string(m.new_view().preprepares_size()) + " r" +
             std::to_string(m.new_view().replica());
    case pb::ConsensusMessage::kRequest:
      return "request id=" + ShortHex(proto::TxId(m.request().request()));
    case pb::ConsensusMessage::kBatchFetch:
      return "batch-fetch s" + std::to_string(m.batch_fetch().sequence()) +
             " d=" + ShortHex(m.batch_fetch().digest()) + " r" + std::to_string(m.batch_fetch().replica());
    case pb::ConsensusMessage::kBatchReply:
      return "batch-reply s" + std::to_string(m.batch_reply().sequence()) +
             " d=" + ShortHex(m.batch_reply().digest());
    case pb::ConsensusMessage::kViewTimeout:
      return "view-timeout v" + std::to_string(m.view_timeout().view()) + " r" +
             std::to_string(m.view_timeout().replica());
    case pb::ConsensusMessage::kTimeoutCertificate:
      return "timeout-certificate v" + std::to_string(m.timeout_certificate().view()) + " (" +
             std::to_string(m.timeout_certificate().timeouts_size()) + " timeouts)";
    default:
      return "empty-message";
  }
}

}  // namespace cc::sim
