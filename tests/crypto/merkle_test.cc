#include "crypto/merkle.h"

#include <gtest/gtest.h>

#include "crypto/hash.h"

namespace cc::crypto {
namespace {

std::vector<std::string> Leaves(size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; ++i) out.push_back(Blake2b256("leaf" + std::to_string(i)));
  return out;
}

TEST(Merkle, EveryLeafOfEveryTreeSizeProves) {
  for (size_t n = 1; n <= 33; ++n) {
    const auto leaves = Leaves(n);
    const std::string root = MerkleRoot(leaves);
    for (size_t i = 0; i < n; ++i) {
      const MerklePath path = BuildMerklePath(leaves, i);
      EXPECT_TRUE(VerifyMerklePath(leaves[i], path, root)) << "n=" << n << " i=" << i;
      // The wrong leaf, the wrong index, or a tampered sibling fails.
      EXPECT_FALSE(VerifyMerklePath(leaves[(i + 1) % n], path, root) && n > 1);
      MerklePath moved = path;
      moved.leaf_index = (i + 1) % n;
      if (n > 1) {
        EXPECT_FALSE(VerifyMerklePath(leaves[i], moved, root));
      }
      if (!path.siblings.empty()) {
        MerklePath bad = path;
        bad.siblings[0][0] ^= 1;
        EXPECT_FALSE(VerifyMerklePath(leaves[i], bad, root));
      }
    }
  }
}

TEST(Merkle, SingleLeafRootIsTheLeafHash) {
  const auto leaves = Leaves(1);
  EXPECT_EQ(MerkleRoot(leaves), MerkleLeafHash(leaves[0]));
  EXPECT_TRUE(BuildMerklePath(leaves, 0).siblings.empty());
}

TEST(Merkle, LeafCannotPoseAsInnerNode) {
  // A second-preimage attempt: present an inner node's children as one 64-byte "leaf".
  const auto leaves = Leaves(2);
  const std::string root = MerkleRoot(leaves);
  const std::string fake_leaf = MerkleLeafHash(leaves[0]) + MerkleLeafHash(leaves[1]);
  MerklePath path{0, 1, {}};
  EXPECT_FALSE(VerifyMerklePath(fake_leaf, path, root));
}

TEST(Merkle, OddCountsDoNotCollideWithDuplicatedLast) {
  auto three = Leaves(3);
  auto four = three;
  four.push_back(three.back());
  EXPECT_NE(MerkleRoot(three), MerkleRoot(four));
}

TEST(Merkle, RejectsMalformedPaths) {
  const auto leaves = Leaves(5);
  const std::string root = MerkleRoot(leaves);
  MerklePath path = BuildMerklePath(leaves, 4);
  MerklePath extra = path;
  extra.siblings.push_back(std::string(32, '\0'));
  EXPECT_FALSE(VerifyMerklePath(leaves[4], extra, root));
  MerklePath zero{0, 0, {}};
  EXPECT_FALSE(VerifyMerklePath(leaves[0], zero, root));
  MerklePath out_of_range = path;
  out_of_range.leaf_index = 5;
  EXPECT_FALSE(VerifyMerklePath(leaves[4], out_of_range, root));
}

}  // namespace
}  // namespace cc::crypto
