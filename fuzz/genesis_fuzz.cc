// Genesis files (contracts/genesis.h ParseGenesis), as creditd and `creditctl
// verify-proof --genesis` read them. The input is the file's bytes.
//
// Whatever ParseGenesis accepts must be a chain a node can start: it validates, it
// writes back to JSON that parses to the same document, its state can be written and
// hashed, block 1 executes over it and appends, and its validator set makes a
// consensus configuration the replica accepts. Whatever it refuses is refused with
// its documented code.
#include <string>
#include <string_view>

#include "consensus/replica.h"
#include "contracts/genesis.h"
#include "contracts/ledger_executor.h"
#include "fuzz/fuzz_chain.h"
#include "fuzz/fuzz_input.h"
#include "ledger/memory_ledger.h"
#include "proto/canonical.h"

namespace cc::fuzz {
namespace {

class NullSigner final : public consensus::Signer {
 public:
  std::string Sign(std::string_view) override { return std::string(64, 's'); }
};
class NullVerifier final : public consensus::Verifier {
 public:
  bool Verify(uint32_t, std::string_view, std::string_view) override { return false; }
};

void CheckStartsAChain(const contracts::Genesis& genesis) {
  FUZZ_CHECK(contracts::ValidateGenesis(genesis).ok());
  const std::string text = contracts::GenesisToJson(genesis);
  auto again = contracts::ParseGenesis(text);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(contracts::GenesisToJson(*again) == text);

  const ledger::StateWrites writes = contracts::GenesisState(genesis);
  for (size_t i = 1; i < writes.size(); ++i) FUZZ_CHECK(writes[i - 1].first < writes[i].first);
  FUZZ_CHECK(contracts::GenesisStateRoot(genesis).size() == 32);

  // Block 1, empty, one second after genesis: what the first commit of a new chain does.
  ledger::MemoryLedger ledger;
  contracts::LedgerState state(ledger, genesis);
  contracts::LedgerExecutor executor(ledger, genesis, state, nullptr);
  pb::Batch batch;
  batch.set_timestamp_ms(genesis.genesis_time_ms + 1000);
  pb::CommitCertificate cert;
  cert.set_sequence(1);
  cert.set_digest(proto::BatchDigestOf(batch));
  auto executed = executor.Execute(batch, cert);
  FUZZ_CHECK(executed.ok());
  FUZZ_CHECK(ledger.Append(executed->block, executed->writes).ok());

  // The node's replica configuration: n = the validator count, this node validator 0.
  consensus::Config config;
  config.chain_id = genesis.chain_id;
  config.n = static_cast<uint32_t>(genesis.validators.size());
  config.self = 0;
  NullSigner signer;
  NullVerifier verifier;
  consensus::Replica replica(config, signer, verifier);
  FUZZ_CHECK(replica.view() == 0);
}

}  // namespace

std::vector<Seed> FuzzSeeds() {
  const contracts::Genesis& g = FuzzGenesis();
  std::vector<Seed> seeds;
  seeds.emplace_back("valid_fuzz_alliance.json", contracts::GenesisToJson(g));
  contracts::Genesis quotas = g;
  quotas.member_quotas["bank-b"] = 5;
  quotas.params.retention_days = 400;
  seeds.emplace_back("valid_member_quota.json", contracts::GenesisToJson(quotas));
  contracts::Genesis single = g;
  single.validators.resize(1);
  seeds.emplace_back("valid_one_validator.json", contracts::GenesisToJson(single));
  std::string dup = contracts::GenesisToJson(g);
  dup.insert(dup.find('{') + 1, "\"chain_id\": \"other\",");
  seeds.emplace_back("duplicate_key.json", dup);
  const std::string whole = contracts::GenesisToJson(g);
  seeds.emplace_back("bad_truncated.json", whole.substr(0, whole.size() / 2));
  seeds.emplace_back("bad_not_object.json", "[1, 2, 3]");
  seeds.emplace_back("bad_empty_members.json", R"({"chain_id": "x", "members": [], "validators": []})");
  return seeds;
}

}  // namespace cc::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cc;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto genesis = contracts::ParseGenesis(text);
  if (!genesis.ok()) {
    FUZZ_CHECK(genesis.status().code() == "invalid_genesis");
    return 0;
  }
  fuzz::CheckStartsAChain(*genesis);
  return 0;
}
