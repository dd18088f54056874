#include "consensus/messages.h"

#include "proto/canonical.h"

namespace cc::consensus {

pb::PrePrepare MessageAuth::SignPrePrepare(uint64_t view, uint64_t sequence, const std::string& digest) {
  pb::PrePrepare m;
  m.set_view(view);
  m.set_sequence(sequence);
  m.set_digest(digest);
  m.set_replica(self_);
  m.set_signature(signer_.Sign(proto::PrePrepareSigningBytes(chain_id_, view, sequence, digest, self_)));
  return m;
}

pb::Prepare MessageAuth::SignPrepare(uint64_t view, uint64_t sequence, const std::string& digest) {
  pb::Prepare m;
  m.set_view(view);
  m.set_sequence(sequence);
  m.set_digest(digest);
  m.set_replica(self_);
  m.set_signature(signer_.Sign(proto::PrepareSigningBytes(chain_id_, view, sequence, digest, self_)));
  return m;
}

pb::Commit MessageAuth::SignCommit(uint64_t view, uint64_t sequence, const std::string& digest) {
  pb::Commit m;
  m.set_view(view);
  m.set_sequence(sequence);
  m.set_digest(digest);
  m.set_replica(self_);
  m.set_signature(signer_.Sign(proto::CommitSigningBytes(chain_id_, view, sequence, digest, self_)));
  return m;
}

pb::Checkpoint MessageAuth::SignCheckpoint(uint64_t sequence, const std::string& state_digest) {
  pb::Checkpoint m;
  m.set_sequence(sequence);
  m.set_state_digest(state_digest);
  m.set_replica(self_);
  m.set_signature(signer_.Sign(proto::CheckpointSigningBytes(chain_id_, sequence, state_digest, self_)));
  return m;
}

void MessageAuth::SignViewChange(pb::ViewChange& vc) {
  vc.set_replica(self_);
  vc.clear_signature();
  vc.set_signature(signer_.Sign(proto::ViewChangeSigningBytes(chain_id_, vc)));
}

void MessageAuth::SignNewView(pb::NewView& nv) {
  nv.set_replica(self_);
  nv.clear_signature();
  nv.set_signature(signer_.Sign(proto::NewViewSigningBytes(chain_id_, nv)));
}

bool MessageAuth::Check(uint32_t replica, const std::string& bytes, const std::string& signature) {
  if (replica >= n_) return false;
  return verifier_.Verify(replica, bytes, signature);
}

bool MessageAuth::Verify(const pb::PrePrepare& m) {
  return Check(m.replica(),
               proto::PrePrepareSigningBytes(chain_id_, m.view(), m.sequence(), m.digest(), m.replica()),
               m.signature());
}

bool MessageAuth::Verify(const pb::Prepare& m) {
  return Check(m.replica(),
               proto::PrepareSigningBytes(chain_id_, m.view(), m.sequence(), m.digest(), m.replica()),
               m.signature());
}

bool MessageAuth::Verify(const pb::Commit& m) {
  return VerifyCommitVote(m.view(), m.sequence(), m.digest(), m.replica(), m.signature());
}

pb::ViewTimeout MessageAuth::SignViewTimeout(uint64_t view) {
  pb::ViewTimeout m;
  m.set_view(view);
  m.set_replica(self_);
  m.set_signature(signer_.Sign(proto::ViewTimeoutSigningBytes(chain_id_, view, self_)));
  return m;
}

bool MessageAuth::Verify(const pb::ViewTimeout& m) {
  return Check(m.replica(), proto::ViewTimeoutSigningBytes(chain_id_, m.view(), m.replica()), m.signature());
}

bool MessageAuth::Verify(const pb::Checkpoint& m) {
  return Check(m.replica(),
               proto::CheckpointSigningBytes(chain_id_, m.sequence(), m.state_digest(), m.replica()),
               m.signature());
}

bool MessageAuth::VerifySignatureOnly(const pb::ViewChange& m) {
  return Check(m.replica(), proto::ViewChangeSigningBytes(chain_id_, m), m.signature());
}

bool MessageAuth::VerifySignatureOnly(const pb::NewView& m) {
  return Check(m.replica(), proto::NewViewSigningBytes(chain_id_, m), m.signature());
}

bool MessageAuth::VerifyCommitVote(uint64_t view, uint64_t sequence, const std::string& digest,
                                   uint32_t validator, const std::string& signature) {
  return Check(validator, proto::CommitSigningBytes(chain_id_, view, sequence, digest, validator), signature);
}

}  // namespace cc::consensus
