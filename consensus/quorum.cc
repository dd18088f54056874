#include "consensus/quorum.h"

namespace cc::consensus {

bool VoteSet::Add(uint32_t replica, const std::string& digest, const std::string& signature) {
  if (!by_replica_.emplace(replica, digest).second) return false;
  by_digest_[digest].emplace(replica, signature);
  return true;
}

std::optional<std::string> VoteSet::DigestOf(uint32_t replica) const {
  auto it = by_replica_.find(replica);
  if (it == by_replica_.end()) return std::nullopt;
  return it->second;
}

size_t VoteSet::Count(const std::string& digest) const {
  auto it = by_digest_.find(digest);
  return it == by_digest_.end() ? 0 : it->second.size();
}

size_t VoteSet::CountExcluding(const std::string& digest, uint32_t excluded) const {
  auto it = by_digest_.find(digest);
  if (it == by_digest_.end()) return 0;
  return it->second.size() - it->second.count(excluded);
}

const std::map<uint32_t, std::string>& VoteSet::Votes(const std::string& digest) const {
  static const std::map<uint32_t, std::string> kEmpty;
  auto it = by_digest_.find(digest);
  return it == by_digest_.end() ? kEmpty : it->second;
}

std::string VoteSet::Leading() const {
  std::string best;
  size_t best_count = 0;
  for (const auto& [digest, votes] : by_digest_) {
    if (votes.size() > best_count) {
      best = digest;
      best_count = votes.size();
    }
  }
  return best;
}

}  // namespace cc::consensus
