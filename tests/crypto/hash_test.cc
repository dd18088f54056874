#include "crypto/hash.h"

#include <gtest/gtest.h>

#include "common/hex.h"

namespace cc::crypto {
namespace {

TEST(Blake2b256, MatchesReferenceVectorForEmptyInput) {
  // BLAKE2b-256("") from the BLAKE2 reference implementation.
  EXPECT_EQ(ToHex(Blake2b256("")), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  EXPECT_EQ(ToHex(Blake2b256("abc")), "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(Blake2b256, IncrementalEqualsOneShot) {
  EXPECT_EQ(Hasher().Update("ab").Update("").Update("c").Final(), Blake2b256("abc"));
}

TEST(KeyedBlake2b256, KeyChangesTheDigest) {
  const std::string k1(32, 'a'), k2(32, 'b');
  EXPECT_NE(KeyedBlake2b256(k1, "x"), KeyedBlake2b256(k2, "x"));
  EXPECT_NE(KeyedBlake2b256(k1, "x"), Blake2b256("x"));
  EXPECT_EQ(KeyedBlake2b256(k1, "x").size(), 32u);
}

TEST(Hex, RoundTripsAndRejectsBadInput) {
  EXPECT_EQ(ToHex(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(*FromHex("00FF10"), std::string("\x00\xff\x10", 3));
  EXPECT_FALSE(FromHex("abc").has_value());
  EXPECT_FALSE(FromHex("zz").has_value());
  EXPECT_FALSE(FromHexSized("00ff", 3).has_value());
}

}  // namespace
}  // namespace cc::crypto
