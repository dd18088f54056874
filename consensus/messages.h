// MessageAuth: builds signed consensus messages and checks their signatures.
//
// Every signature covers the canonical bytes of proto/canonical.h under the
// network's chain id, so a vote can be shown to third parties (certificates,
// view changes) and can never be replayed on another network or as another kind
// of message. Verify* check only the signature and that the signer is a validator
// index < n; the protocol rules (view, watermarks, digests) are the caller's.
//
// Thread safety: none; holds borrowed Signer/Verifier that must outlive it.
#pragma once

#include <cstdint>
#include <string>

#include "consensus/replica.h"
#include "proto/creditchain.pb.h"

namespace cc::consensus {

class MessageAuth {
 public:
  MessageAuth(std::string chain_id, uint32_t n, uint32_t self, Signer& signer, Verifier& verifier)
      : chain_id_(std::move(chain_id)), n_(n), self_(self), signer_(signer), verifier_(verifier) {}

  // Signed by this replica. The pre-prepare carries no batch; callers add it.
  pb::PrePrepare SignPrePrepare(uint64_t view, uint64_t sequence, const std::string& digest);
  pb::Prepare SignPrepare(uint64_t view, uint64_t sequence, const std::string& digest);
  pb::Commit SignCommit(uint64_t view, uint64_t sequence, const std::string& digest);
  pb::Checkpoint SignCheckpoint(uint64_t sequence, const std::string& state_digest);
  pb::ViewTimeout SignViewTimeout(uint64_t view);
  // Fills vc.replica and vc.signature.
  void SignViewChange(pb::ViewChange& vc);
  // Fills nv.replica and nv.signature.
  void SignNewView(pb::NewView& nv);

  bool Verify(const pb::PrePrepare& m);
  bool Verify(const pb::Prepare& m);
  bool Verify(const pb::Commit& m);
  bool Verify(const pb::Checkpoint& m);
  bool Verify(const pb::ViewTimeout& m);
  // The view change's own signature only (not its embedded proofs).
  bool VerifySignatureOnly(const pb::ViewChange& m);
  bool VerifySignatureOnly(const pb::NewView& m);
  // A commit vote given as (validator, signature), as in a CommitCertificate.
  bool VerifyCommitVote(uint64_t view, uint64_t sequence, const std::string& digest, uint32_t validator,
                        const std::string& signature);

  uint32_t n() const { return n_; }
  uint32_t self() const { return self_; }
  const std::string& chain_id() const { return chain_id_; }

 private:
  bool Check(uint32_t replica, const std::string& bytes, const std::string& signature);

  std::string chain_id_;
  uint32_t n_;
  uint32_t self_;
  Signer& signer_;
  Verifier& verifier_;
};

}  // namespace cc::consensus
