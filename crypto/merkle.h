// Binary Merkle tree over 32-byte leaves with inclusion proofs.
//
//   leaf hash = BLAKE2b-256(0x00 || leaf)
//   node hash = BLAKE2b-256(0x01 || left || right)
//   empty tree root = BLAKE2b-256("")   (32 bytes, never equal to a leaf or node hash)
//
// Domain-separated prefixes stop a leaf from posing as an inner node. A level with
// an odd number of nodes promotes its last node unchanged to the next level (no
// duplication, so two different leaf lists never share a root through padding).
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cc::crypto {

std::string MerkleLeafHash(const std::string& leaf);
std::string MerkleNodeHash(const std::string& left, const std::string& right);

std::string MerkleRoot(const std::vector<std::string>& leaves);

struct MerklePath {
  uint64_t leaf_index = 0;
  uint64_t leaf_count = 0;
  std::vector<std::string> siblings;  // bottom-up; promoted levels contribute nothing
};

// REQUIRES: index < leaves.size().
MerklePath BuildMerklePath(const std::vector<std::string>& leaves, uint64_t index);

// True iff `leaf` at path.leaf_index of a tree of path.leaf_count leaves has `root`.
bool VerifyMerklePath(const std::string& leaf, const MerklePath& path, const std::string& root);

}  // namespace cc::crypto
