#include "http/auth.h"

#include <gtest/gtest.h>

#include <set>

#include "common/hex.h"
#include "crypto/api_token.h"
#include "crypto/hash.h"

namespace cc::http {
namespace {

TEST(Tokens, GeneratedTokensAreDistinctAndWellFormed) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string t = crypto::GenerateApiToken();
    ASSERT_EQ(t.size(), 3u + 64u);
    EXPECT_EQ(t.substr(0, 3), "cc_");
    EXPECT_TRUE(FromHex(t.substr(3)).has_value());
    EXPECT_TRUE(seen.insert(t).second);
  }
}

TEST(Tokens, HashIsHexBlake2b256OfTheTokenBytes) {
  EXPECT_EQ(crypto::HashApiToken("cc_abc"), ToHex(crypto::Blake2b256("cc_abc")));
  EXPECT_EQ(crypto::HashApiToken("").size(), 64u);
  // BLAKE2b-256 of the empty string (RFC 7693 parameters, 32-byte output).
  EXPECT_EQ(crypto::HashApiToken(""), "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
}

TEST(Roles, NamesRoundTrip) {
  for (Role r : {Role::kWriter, Role::kReader, Role::kRegulator, Role::kAdmin}) {
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  }
  EXPECT_EQ(ParseRole("root"), std::nullopt);
  EXPECT_EQ(ParseRole("Admin"), std::nullopt);
}

class TokenStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = TokenStore::Create({{"scoring", Role::kReader, crypto::HashApiToken(reader_)},
                                     {"backend", Role::kWriter, crypto::HashApiToken(writer_)}});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = *store;
  }
  const std::string reader_ = crypto::GenerateApiToken();
  const std::string writer_ = crypto::GenerateApiToken();
  TokenStore store_;
};

TEST_F(TokenStoreTest, AuthenticatesKnownTokensWithNameAndRole) {
  auto p = store_.Authenticate("Bearer " + reader_);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "scoring");
  EXPECT_EQ(p->role, Role::kReader);
  auto w = store_.Authenticate("bearer  " + writer_ + " ");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_EQ(w->name, "backend");
  EXPECT_EQ(w->role, Role::kWriter);
}

TEST_F(TokenStoreTest, RejectsMissingMalformedAndUnknownTokens) {
  EXPECT_EQ(store_.Authenticate(std::nullopt).status().code(), "unauthorized");
  EXPECT_EQ(store_.Authenticate("").status().code(), "unauthorized");
  EXPECT_EQ(store_.Authenticate("Bearer ").status().code(), "unauthorized");
  EXPECT_EQ(store_.Authenticate("Basic " + reader_).status().code(), "unauthorized");
  EXPECT_EQ(store_.Authenticate(reader_).status().code(), "unauthorized");
  EXPECT_EQ(store_.Authenticate("Bearer " + crypto::GenerateApiToken()).status().code(), "unauthorized");
  // The stored hash itself is not a token.
  EXPECT_EQ(store_.Authenticate("Bearer " + crypto::HashApiToken(reader_)).status().code(), "unauthorized");
}

TEST(TokenStore, CreateRejectsBadConfig) {
  const std::string h = crypto::HashApiToken("t1");
  EXPECT_EQ(TokenStore::Create({{"", Role::kAdmin, h}}).status().code(), "invalid_config");
  EXPECT_EQ(TokenStore::Create({{"a", Role::kAdmin, "abcd"}}).status().code(), "invalid_config");
  EXPECT_EQ(TokenStore::Create({{"a", Role::kAdmin, std::string(64, 'z')}}).status().code(),
            "invalid_config");
  EXPECT_EQ(TokenStore::Create({{"a", Role::kAdmin, h}, {"a", Role::kReader, crypto::HashApiToken("t2")}})
                .status()
                .code(),
            "invalid_config");
  EXPECT_EQ(TokenStore::Create({{"a", Role::kAdmin, h}, {"b", Role::kReader, h}}).status().code(),
            "invalid_config");
  auto upper = TokenStore::Create({{"a", Role::kAdmin, [&] {
                                      std::string u = h;
                                      for (char& c : u) c = static_cast<char>(std::toupper(c));
                                      return u;
                                    }()}});
  ASSERT_TRUE(upper.ok());
  EXPECT_TRUE(upper->Authenticate("Bearer t1").ok());
}

TEST(TokenStore, EmptyStoreAuthenticatesNobody) {
  TokenStore empty;
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.Authenticate("Bearer x").status().code(), "unauthorized");
}

}  // namespace
}  // namespace cc::http
