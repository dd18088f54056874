#include "contracts/genesis.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "common/hex.h"
#include "contracts/queries.h"
#include "contracts/state_root.h"
#include "crypto/hash.h"
#include "crypto/keys.h"

namespace cc::contracts {
namespace {

std::string KeyHex(const char* name) {
  return ToHex(crypto::KeyPair::FromSeed(crypto::Blake2b256(name)).public_key());
}

// The example of docs/genesis.md, with real keys.
std::string Example() {
  return R"({
  "chain_id": "creditchain-local",
  "genesis_time_ms": 1767225600000,
  "members": [
    {"id": "bank-a", "display_name": "Bank A", "public_key": ")" +
         KeyHex("a") + R"(", "role": "member"},
    {"id": "lender-b", "display_name": "Lender B", "public_key": ")" +
         KeyHex("b") + R"(", "role": "member"},
    {"id": "pbc", "display_name": "Regulator", "public_key": ")" +
         KeyHex("r") + R"(", "role": "regulator"}
  ],
  "validators": [
    {"public_key": ")" +
         KeyHex("va") + R"(", "operator": "bank-a"},
    {"public_key": ")" +
         KeyHex("vb") + R"(", "operator": "lender-b"}
  ],
  "parameters": {
    "retention_days": 1825,
    "dispute_deadline_days": 20,
    "daily_query_quota": 10000,
    "max_validity_window_ms": 86400000,
    "member_quotas": {"lender-b": 500}
  }
})";
}

// Replaces the first occurrence of `from` in the example.
std::string ExampleWith(const std::string& from, const std::string& to) {
  std::string s = Example();
  const size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

void ExpectError(const std::string& json, const std::string& field) {
  Result<Genesis> g = ParseGenesis(json);
  ASSERT_FALSE(g.ok()) << "expected an error naming " << field;
  EXPECT_EQ(g.status().code(), "invalid_genesis");
  EXPECT_EQ(g.status().message().rfind(field + ":", 0), 0u)
      << "message \"" << g.status().message() << "\" should start with " << field;
}

TEST(Genesis, ParsesTheDocumentedExample) {
  Result<Genesis> g = ParseGenesis(Example());
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->chain_id, "creditchain-local");
  EXPECT_EQ(g->genesis_time_ms, 1767225600000u);
  ASSERT_EQ(g->members.size(), 3u);
  EXPECT_EQ(g->members[2].role, pb::ROLE_REGULATOR);
  EXPECT_EQ(ToHex(g->members[0].public_key), KeyHex("a"));
  ASSERT_EQ(g->validators.size(), 2u);
  EXPECT_EQ(g->validators[1].operator_id, "lender-b");
  EXPECT_EQ(g->member_quotas.at("lender-b"), 500u);
}

TEST(Genesis, TheExampleInDocsGenesisMdParses) {
  std::ifstream in(std::string(CC_SOURCE_DIR) + "/docs/genesis.md");
  ASSERT_TRUE(in.good());
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t begin = doc.find("```json\n");
  ASSERT_NE(begin, std::string::npos);
  const size_t end = doc.find("```", begin + 8);
  std::string json = doc.substr(begin + 8, end - begin - 8);
  // The document writes keys as "<64 hex>"; put real, distinct ones in.
  int n = 0;
  for (size_t at; (at = json.find("<64 hex>")) != std::string::npos;) {
    json.replace(at, 8, KeyHex(("doc" + std::to_string(n++)).c_str()));
  }
  EXPECT_EQ(n, 5);
  Result<Genesis> g = ParseGenesis(json);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->members.size(), 3u);
  EXPECT_EQ(g->validators.size(), 2u);
}

TEST(Genesis, ParametersDefaultWhenOmitted) {
  std::string s = Example();
  s = s.substr(0, s.find(",\n  \"parameters\"")) + "\n}";
  Result<Genesis> g = ParseGenesis(s);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->params.retention_days, 1825u);
  EXPECT_EQ(g->params.dispute_deadline_days, 20u);
  EXPECT_EQ(g->params.daily_query_quota, 10000u);
  EXPECT_EQ(g->params.max_validity_window_ms, 86400000u);
}

TEST(Genesis, ErrorsNameTheBadField) {
  ExpectError("{not json", "(document)");
  ExpectError(ExampleWith(KeyHex("b"), "abcd"), "members[1].public_key");
  ExpectError(ExampleWith(KeyHex("b"), std::string(64, '0')), "members[1].public_key");  // not a point
  ExpectError(ExampleWith(R"("role": "regulator")", R"("role": "auditor")"), "members[2].role");
  ExpectError(ExampleWith(R"("id": "lender-b")", R"("id": "bank-a")"), "members[1].id");
  ExpectError(ExampleWith(R"("id": "lender-b")", R"("id": "Lender B")"), "members[1].id");
  ExpectError(ExampleWith(KeyHex("b"), KeyHex("a")), "members[1].public_key");
  ExpectError(ExampleWith(R"("operator": "lender-b")", R"("operator": "nobody")"), "validators[1].operator");
  ExpectError(ExampleWith(R"("operator": "lender-b")", R"("operator": "pbc")"), "validators[1].operator");
  ExpectError(ExampleWith(KeyHex("vb"), KeyHex("va")), "validators[1].public_key");
  ExpectError(ExampleWith(R"("retention_days": 1825)", R"("retention_days": 0)"),
              "parameters.retention_days");
  ExpectError(ExampleWith(R"("retention_days": 1825)", R"("retention_days": -5)"),
              "parameters.retention_days");
  ExpectError(ExampleWith(R"("retention_days": 1825)", R"("retention_dayz": 1825)"),
              "parameters.retention_dayz");
  ExpectError(ExampleWith(R"({"lender-b": 500})", R"({"nobody": 500})"), "parameters.member_quotas.nobody");
  ExpectError(ExampleWith(R"("chain_id": "creditchain-local")", R"("chain_id": "two words")"), "chain_id");
  ExpectError(ExampleWith(R"("chain_id")", R"("chain")"), "chain");  // unknown top-level field
  ExpectError(ExampleWith(R"("validators": [)", R"("validators": [], "x": [)"), "x");
}

TEST(Genesis, JsonRoundTrips) {
  Result<Genesis> g = ParseGenesis(Example());
  ASSERT_TRUE(g.ok());
  Result<Genesis> again = ParseGenesis(GenesisToJson(*g));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(GenesisToJson(*again), GenesisToJson(*g));
  EXPECT_EQ(GenesisStateRoot(*again), GenesisStateRoot(*g));
}

TEST(Genesis, StateHoldsMembersValidatorsAndParameters) {
  Result<Genesis> g = ParseGenesis(Example());
  ASSERT_TRUE(g.ok());
  MemoryState state;
  state.Apply(GenesisState(*g));
  const std::vector<MemberView> members = ReadMembers(state);
  ASSERT_EQ(members.size(), 3u);
  EXPECT_EQ(members[0].member.id, "bank-a");
  EXPECT_TRUE(members[0].operates_validator);
  EXPECT_EQ(members[0].daily_quota, 10000u);
  EXPECT_EQ(members[1].daily_quota, 500u);
  EXPECT_FALSE(members[2].operates_validator);
  Result<ValidatorSet> set = ReadValidatorSet(state);
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->validators.size(), 2u);
  EXPECT_EQ(ToHex(set->validators[0].public_key), KeyHex("va"));
  Result<AllianceParams> params = ReadParams(state);
  ASSERT_TRUE(params.ok());
  EXPECT_EQ(params->chain_id, "creditchain-local");
  Result<ChainTip> tip = ReadChainTip(state);
  ASSERT_TRUE(tip.ok());
  EXPECT_EQ(tip->height, 0u);
  EXPECT_EQ(tip->block_time_ms, 1767225600000u);
  EXPECT_EQ(GenesisStateRoot(*g), ComputeStateRoot(ZeroRoot(), 0, GenesisState(*g)));
}

}  // namespace
}  // namespace cc::contracts
