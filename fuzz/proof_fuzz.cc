// Proof files of `creditctl verify-proof` (wire/proof_file.h ParseProofFile, then
// ledger/proof.h VerifyTxProof against the trust root), the input being the file.
//
// The trust root is the fuzz alliance's chain id and validators; the chain behind it
// is FuzzChain::Populated(). A proof that verifies must name a transaction that
// really is committed where it says: the certified header fields equal the chain's
// block at that height and the proven transaction is the block's transaction at the
// proven index (a forged Merkle path or a re-used certificate would break this).
// A proof read from JSON writes back to JSON that reads to the same proof.
#include <google/protobuf/stubs/logging.h>

#include <nlohmann/json.hpp>
#include <string>

#include "common/hex.h"
#include "fuzz/fuzz_chain.h"
#include "fuzz/fuzz_input.h"
#include "ledger/proof.h"
#include "proto/canonical.h"
#include "wire/chain_json.h"
#include "wire/proof_file.h"

namespace cc::fuzz {
namespace {

const FuzzChain& Chain() {
  static const std::unique_ptr<FuzzChain> chain = FuzzChain::Populated();
  return *chain;
}

void CheckProvenTxIsCommitted(const pb::TxProof& proof) {
  const pb::BlockHeader& h = proof.header();
  auto block = Chain().ledger().GetBlock(h.height());
  FUZZ_CHECK(block.ok());
  const pb::BlockHeader& real = block->block().header();
  FUZZ_CHECK(h.batch_digest() == real.batch_digest());
  FUZZ_CHECK(h.tx_root() == real.tx_root());
  FUZZ_CHECK(h.tx_count() == real.tx_count());
  FUZZ_CHECK(h.timestamp_ms() == real.timestamp_ms());
  FUZZ_CHECK(proof.merkle().leaf_index() < static_cast<uint64_t>(block->block().txs_size()));
  FUZZ_CHECK(block->block().txs(static_cast<int>(proof.merkle().leaf_index())) == proof.tx());
}

}  // namespace

std::vector<Seed> FuzzSeeds() {
  std::vector<Seed> seeds;
  const FuzzChain& chain = Chain();
  int n = 0;
  for (const auto& [kind, ids] : chain.ids) {
    auto proof = chain.ledger().GetTxProof(ids.front());
    if (!proof.ok()) std::abort();
    const std::string name = kind + "_" + std::to_string(n++);
    const nlohmann::json j = wire::ProofJson(*proof);
    seeds.emplace_back("valid_" + name + ".json", j.dump(2) + "\n");
    if (kind == "event") {
      seeds.emplace_back("valid_answer_" + name + ".json",
                         nlohmann::json{{"tx_id", ToHex(ids.front())}, {"proof", j}}.dump());
      seeds.emplace_back("valid_" + name + ".bin", proof->SerializeAsString());
      seeds.emplace_back("valid_" + name + ".hex", ToHex(proof->SerializeAsString()) + "\n");
      pb::TxProof moved = *proof;
      moved.mutable_merkle()->set_leaf_index(proof->merkle().leaf_index() + 1);
      seeds.emplace_back("bad_leaf_index.bin", moved.SerializeAsString());
      nlohmann::json wrong_id = j;
      wrong_id["tx_id"] = ToHex(ids.back());
      seeds.emplace_back("bad_tx_id.json", wrong_id.dump());
      pb::TxProof unsigned_proof = *proof;
      unsigned_proof.mutable_certificate()->mutable_signatures()->RemoveLast();
      seeds.emplace_back("bad_two_signatures.bin", unsigned_proof.SerializeAsString());
    }
  }
  seeds.emplace_back("bad_empty.json", "{}");
  return seeds;
}

}  // namespace cc::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // invalid UTF-8 in string fields is expected here
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cc;
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  auto proof = wire::ParseProofFile(content);
  if (!proof.ok()) {
    const std::string& code = proof.status().code();
    FUZZ_CHECK(code == "format" || code == "tx_id_mismatch");
    return 0;
  }
  // What the API would serve for this proof reads back to the same proof: its JSON
  // form is a fixed point (JSON has no "absent" for a sub-message, so compare forms).
  const nlohmann::json j = wire::ProofJson(*proof);
  pb::TxProof again;
  FUZZ_CHECK(wire::ProofFromJson(nlohmann::json::parse(j.dump()), &again).ok());
  FUZZ_CHECK(wire::ProofJson(again) == j);

  const Status verified = ledger::VerifyTxProof(*proof, fuzz::kFuzzChainId, fuzz::ValidatorPublicKeys());
  if (verified.ok()) {
    fuzz::CheckProvenTxIsCommitted(*proof);
  } else {
    const std::string& code = verified.code();
    FUZZ_CHECK(code == "bad_proof" || code == "bad_certificate" || code == "invalid_argument");
  }
  return 0;
}
