#include "crypto/merkle.h"

#include "crypto/hash.h"

namespace cc::crypto {

std::string MerkleLeafHash(const std::string& leaf) {
  return Hasher().Update(std::string_view("\x00", 1)).Update(leaf).Final();
}

std::string MerkleNodeHash(const std::string& left, const std::string& right) {
  return Hasher().Update("\x01").Update(left).Update(right).Final();
}

namespace {
std::vector<std::string> NextLevel(const std::vector<std::string>& level) {
  std::vector<std::string> next;
  next.reserve((level.size() + 1) / 2);
  for (size_t i = 0; i + 1 < level.size(); i += 2) next.push_back(MerkleNodeHash(level[i], level[i + 1]));
  if (level.size() % 2 == 1) next.push_back(level.back());
  return next;
}

std::vector<std::string> LeafLevel(const std::vector<std::string>& leaves) {
  std::vector<std::string> level;
  level.reserve(leaves.size());
  for (const auto& leaf : leaves) level.push_back(MerkleLeafHash(leaf));
  return level;
}
}  // namespace

std::string MerkleRoot(const std::vector<std::string>& leaves) {
  if (leaves.empty()) return Blake2b256("");
  std::vector<std::string> level = LeafLevel(leaves);
  while (level.size() > 1) level = NextLevel(level);
  return level[0];
}

MerklePath BuildMerklePath(const std::vector<std::string>& leaves, uint64_t index) {
  MerklePath path;
  path.leaf_index = index;
  path.leaf_count = leaves.size();
  std::vector<std::string> level = LeafLevel(leaves);
  uint64_t pos = index;
  while (level.size() > 1) {
    const uint64_t sibling = pos ^ 1;
    if (sibling < level.size()) path.siblings.push_back(level[sibling]);
    level = NextLevel(level);
    pos /= 2;
  }
  return path;
}

bool VerifyMerklePath(const std::string& leaf, const MerklePath& path, const std::string& root) {
  if (path.leaf_count == 0 || path.leaf_index >= path.leaf_count) return false;
  std::string hash = MerkleLeafHash(leaf);
  uint64_t pos = path.leaf_index;
  uint64_t width = path.leaf_count;
  size_t used = 0;
  while (width > 1) {
    const uint64_t sibling = pos ^ 1;
    if (sibling < width) {
      if (used >= path.siblings.size() || path.siblings[used].size() != kHashSize) return false;
      const std::string& s = path.siblings[used++];
      hash = (pos % 2 == 0) ? MerkleNodeHash(hash, s) : MerkleNodeHash(s, hash);
    }
    pos /= 2;
    width = (width + 1) / 2;
  }
  return used == path.siblings.size() && hash == root;
}

}  // namespace cc::crypto
