// Keys, Signer and Verifier for simulated validators, and re-signing of crafted
// consensus messages for Byzantine behaviours.
//
// Every validator gets a real Ed25519 key derived from the run's seed
// (KeyPair::FromSeed), so a seed replays bit for bit. SimVerifier does real
// Ed25519 verification; with a shared VerifyCache it verifies each distinct
// (signer, message, signature) once per run and remembers the verdict, which keeps
// thousands of seeded runs fast without weakening any check (a forged or altered
// message is a different key in the cache and is verified on its own).
//
// Thread safety: none; one simulation per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "consensus/replica.h"
#include "crypto/keys.h"

namespace cc::sim {

// The validator keys of one run: key i = FromSeed(BLAKE2b("creditchain-sim/key" || seed || i)).
std::vector<crypto::KeyPair> MakeValidatorKeys(uint64_t seed, uint32_t n);

// Remembers verification verdicts; shared by the verifiers of one run.
class VerifyCache {
 public:
  // Returns the cached verdict, or runs `verify` and caches it.
  bool Check(uint32_t replica, std::string_view message, std::string_view signature,
             const std::string& public_key);
  uint64_t verifications() const { return verifications_; }

 private:
  std::unordered_map<std::string, bool> verdicts_;
  uint64_t verifications_ = 0;
};

class SimSigner final : public consensus::Signer {
 public:
  explicit SimSigner(const crypto::KeyPair& key) : key_(key) {}
  std::string Sign(std::string_view message) override;
  uint64_t signatures() const { return signatures_; }

 private:
  const crypto::KeyPair& key_;  // owned by the simulation
  uint64_t signatures_ = 0;
};

// `cache` may be null (every call verifies: what the benchmark measures).
class SimVerifier final : public consensus::Verifier {
 public:
  SimVerifier(std::vector<std::string> public_keys, VerifyCache* cache)
      : public_keys_(std::move(public_keys)), cache_(cache) {}
  bool Verify(uint32_t replica, std::string_view message, std::string_view signature) override;
  uint64_t verifications() const { return verifications_; }

 private:
  std::vector<std::string> public_keys_;
  VerifyCache* cache_;
  uint64_t verifications_ = 0;
};

// Re-signs a signed consensus message (pre-prepare, prepare, commit, checkpoint,
// view change, new view) with `key`, after a Byzantine behaviour changed its
// fields. The signer index inside the message is left as the caller set it.
// Messages without a signature (request, batch fetch/reply) are left unchanged.
void ReSign(std::string_view chain_id, const crypto::KeyPair& key, pb::ConsensusMessage* message);

// The (view, sequence, digest, signer) a vote-like message claims, for traces and
// for Byzantine behaviours; false for other kinds.
struct VoteInfo {
  const char* kind = "";
  uint64_t view = 0;
  uint64_t sequence = 0;
  std::string digest;
  uint32_t replica = 0;
};
bool DescribeVote(const pb::ConsensusMessage& message, VoteInfo* out);
// True iff `message` is a pre-prepare, prepare or commit whose signature verifies
// for the replica it names.
bool VoteSignatureValid(std::string_view chain_id, consensus::Verifier& verifier,
                        const pb::ConsensusMessage& message);

// One-line human description of a message ("prepare v0 s3 d=1a2b3c r2").
std::string Describe(const pb::ConsensusMessage& message);
// First 6 hex characters of a digest.
std::string ShortHex(std::string_view bytes);

}  // namespace cc::sim
