// Reproduces ../shared/vectors/subject_keys.json, read at test time.
#include "crypto/subject_key.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/hex.h"

namespace cc::crypto {
namespace {

nlohmann::json LoadVectors() {
  const std::string path = std::string(CC_SOURCE_DIR) + "/../shared/vectors/subject_keys.json";
  std::ifstream in(path);
  if (!in) ADD_FAILURE() << "cannot open " << path;
  return nlohmann::json::parse(in);
}

TEST(SubjectKey, ReproducesEveryValidVectorUnderBothSecrets) {
  const auto v = LoadVectors();
  const std::string secret = *FromHex(v["alliance_secret_hex"].get<std::string>());
  const std::string other = *FromHex(v["other_secret_hex"].get<std::string>());
  ASSERT_GE(v["valid"].size(), 10u);
  for (const auto& c : v["valid"]) {
    const std::string type = c["id_type"], input = c["input"];
    SCOPED_TRACE(type + " " + input);
    auto norm = NormalizeId(type, input);
    ASSERT_TRUE(norm.ok()) << norm.status().ToString();
    EXPECT_EQ(*norm, c["normalized"].get<std::string>());
    auto key = SubjectKey(secret, type, input);
    ASSERT_TRUE(key.ok());
    EXPECT_EQ(ToHex(*key), c["subject_key"].get<std::string>());
    auto key_other = SubjectKey(other, type, input);
    ASSERT_TRUE(key_other.ok());
    EXPECT_EQ(ToHex(*key_other), c["subject_key_other_secret"].get<std::string>());
  }
}

TEST(SubjectKey, RejectsEveryInvalidVectorWithItsNamedError) {
  const auto v = LoadVectors();
  const std::string secret = *FromHex(v["alliance_secret_hex"].get<std::string>());
  ASSERT_GE(v["invalid"].size(), 5u);
  for (const auto& c : v["invalid"]) {
    const std::string type = c["id_type"], input = c["input"];
    SCOPED_TRACE(type + " " + input);
    auto key = SubjectKey(secret, type, input);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().code(), c["error"].get<std::string>());
  }
}

TEST(SubjectKey, PhoneRulesBeyondTheVectors) {
  EXPECT_EQ(NormalizeId("phone", "(010) 1380-0138").status().code(), "format");  // no +, 10 digits
  EXPECT_EQ(*NormalizeId("phone", "(+86) 138 0013 8000"), "+8613800138000");
  EXPECT_FALSE(NormalizeId("phone", "+1234567").ok());                       // 7 digits: too short
  EXPECT_TRUE(NormalizeId("phone", "+12345678").ok());                       // 8 digits
  EXPECT_TRUE(NormalizeId("phone", "+123456789012345").ok());                // 15 digits
  EXPECT_FALSE(NormalizeId("phone", "+1234567890123456").ok());              // 16 digits
  EXPECT_EQ(NormalizeId("phone", "23800138000").status().code(), "format");  // no + and not 1xx
}

TEST(SubjectKey, DifferentIdTypesNeverShareAKey) {
  const std::string secret(32, '\x07');
  // The same characters as a passport and as a phone-like string hash apart.
  auto a = SubjectKey(secret, "passport", "E12345678");
  auto b = SubjectKey(secret, "cn_resident_id", "11010519491231002X");
  auto c = SubjectKey(secret, "passport", "11010519491231002X");
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_NE(*b, *c);
}

}  // namespace
}  // namespace cc::crypto
