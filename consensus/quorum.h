// VoteSet: votes of distinct replicas for one (view, sequence), grouped by digest.
//
// A replica gets at most one vote per VoteSet: the first digest it voted for is the
// one counted (a second, different vote is equivocation and is reported elsewhere,
// never counted). Quorums are therefore sets of distinct replicas, which is what the
// PBFT intersection argument needs. The caller verifies signatures before Add().
//
// Thread safety: none (a value type owned by one replica).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace cc::consensus {

// f = floor((n - 1) / 3); a quorum is 2f + 1.
inline uint32_t FaultsTolerated(uint32_t n) { return n == 0 ? 0 : (n - 1) / 3; }
inline uint32_t QuorumSize(uint32_t n) { return 2 * FaultsTolerated(n) + 1; }

class VoteSet {
 public:
  // Records `replica`'s vote for `digest` with its signature. Returns false (and
  // changes nothing) when the replica already voted in this set, for any digest.
  bool Add(uint32_t replica, const std::string& digest, const std::string& signature);

  bool HasVoted(uint32_t replica) const { return by_replica_.count(replica) != 0; }
  // The digest `replica` voted for, if any.
  std::optional<std::string> DigestOf(uint32_t replica) const;
  // Distinct replicas that voted for `digest`.
  size_t Count(const std::string& digest) const;
  // Same, ignoring `excluded` (the primary, for prepares).
  size_t CountExcluding(const std::string& digest, uint32_t excluded) const;
  // replica -> signature for `digest`, ordered by replica index.
  const std::map<uint32_t, std::string>& Votes(const std::string& digest) const;
  bool empty() const { return by_replica_.empty(); }
  // The digest with the most votes (ties: smallest digest); "" when empty.
  std::string Leading() const;

 private:
  std::map<std::string, std::map<uint32_t, std::string>> by_digest_;
  std::map<uint32_t, std::string> by_replica_;  // replica -> digest
};

}  // namespace cc::consensus
