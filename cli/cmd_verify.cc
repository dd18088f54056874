// Verification commands: verify (the whole stored chain), verify-proof (one
// transaction proof, offline).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "common/hex.h"
#include "contracts/genesis.h"
#include "crypto/keys.h"
#include "ledger/leveldb_ledger.h"
#include "ledger/proof.h"
#include "proto/canonical.h"
#include "wire/proof_file.h"

namespace cc::cli {
namespace {

// "--validators HEX,HEX,..." -> 32-byte public keys, in validator index order.
Result<std::vector<std::string>> ParseValidators(const std::string& list) {
  std::vector<std::string> keys;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string item = list.substr(start, comma - start);
    auto key = FromHexSized(item, crypto::kPublicKeySize);
    if (!key) {
      return Status::Error("usage", "--validators: '" + item + "' is not a 64-hex-character public key");
    }
    keys.push_back(*key);
    start = comma + 1;
  }
  return keys;
}

// A data directory holds the ledger database in ledger/ (ledger::LedgerDbPath); the
// database directory itself is accepted too.
std::string DatabasePath(const std::string& data_dir) {
  std::error_code ec;
  if (std::filesystem::exists(data_dir + "/CURRENT", ec)) return data_dir;
  return ledger::LedgerDbPath(data_dir);
}

int Verify(const Args& args) {
  auto data_dir = args.Require("data-dir");
  if (!data_dir.ok()) return ReportError("verify", data_dir.status());
  std::vector<std::string> validators;
  const std::string chain_id = args.Get("chain-id").value_or("");
  if (args.Has("validators") != args.Has("chain-id")) {
    return ReportError("verify", Status::Error("usage", "--validators and --chain-id go together"));
  }
  if (args.Has("validators")) {
    auto parsed = ParseValidators(*args.Get("validators"));
    if (!parsed.ok()) return ReportError("verify", parsed.status());
    validators = std::move(parsed).value();
  }
  if (!std::filesystem::is_directory(*data_dir)) {
    return ReportError("verify", Status::Error("not_found", *data_dir + " is not a directory"));
  }
  auto opened = ledger::LevelDbLedger::Open(DatabasePath(*data_dir),
                                            ledger::OpenOptions{/*create_if_missing=*/false, 0});
  if (!opened.ok()) return ReportError("verify", opened.status());
  const ledger::Ledger& ledger = **opened;
  const ledger::ChainReport report = ledger::VerifyChain(ledger, chain_id, validators);
  if (!report.ok()) {
    std::cout << "chain BROKEN: first bad block at height " << report.first_bad << ": " << report.reason
              << "\n";
    return kExitFailure;
  }
  std::cout << "chain sound: " << report.height << " blocks, tip " << ToHex(ledger.TipHash())
            << ", certificates "
            << (validators.empty() ? std::string("bound to their blocks (signatures not checked: no "
                                                 "--validators)")
                                   : "verified against " + std::to_string(validators.size()) + " validators")
            << "\n";
  return kExitOk;
}

// A proof file: see wire/proof_file.h for the forms it may take.
Result<pb::TxProof> ReadProof(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error("io", path + ": cannot open");
  std::ostringstream content;
  content << in.rdbuf();
  auto proof = wire::ParseProofFile(content.str());
  if (!proof.ok()) return Status::Error(proof.status().code(), path + ": " + proof.status().message());
  return proof;
}

struct TrustRoot {
  std::string chain_id;
  std::vector<std::string> validators;
};

// --genesis FILE, or --chain-id with --validators.
Result<TrustRoot> ReadTrustRoot(const Args& args) {
  if (auto genesis_path = args.Get("genesis")) {
    if (args.Has("chain-id") || args.Has("validators")) {
      return Status::Error("usage", "give --genesis, or --chain-id with --validators, not both");
    }
    std::ifstream in(*genesis_path);
    if (!in) return Status::Error("io", *genesis_path + ": cannot open");
    std::ostringstream text;
    text << in.rdbuf();
    auto genesis = contracts::ParseGenesis(text.str());
    if (!genesis.ok())
      return Status::Error(genesis.status().code(), *genesis_path + ": " + genesis.status().message());
    TrustRoot root{genesis->chain_id, {}};
    for (const auto& v : genesis->validators) root.validators.push_back(v.public_key);
    return root;
  }
  auto chain_id = args.Require("chain-id");
  if (!chain_id.ok())
    return Status::Error("usage", "give --genesis FILE, or --chain-id ID with --validators");
  auto list = args.Require("validators");
  if (!list.ok()) return list.status();
  auto validators = ParseValidators(*list);
  if (!validators.ok()) return validators.status();
  return TrustRoot{*chain_id, std::move(validators).value()};
}

int VerifyProof(const Args& args) {
  std::string path;
  if (args.Has("proof")) path = *args.Get("proof");
  if (args.positional().size() > 1 || (args.Has("proof") && !args.positional().empty())) {
    return ReportError("verify-proof", Status::Error("usage", "give one proof FILE"));
  }
  if (!args.positional().empty()) path = args.positional()[0];
  if (path.empty()) return ReportError("verify-proof", Status::Error("usage", "missing the proof FILE"));
  auto root = ReadTrustRoot(args);
  if (!root.ok()) return ReportError("verify-proof", root.status());
  auto proof = ReadProof(path);
  if (!proof.ok() && proof.status().code() == "tx_id_mismatch") {
    // Well formed, but it names another transaction than the one it carries.
    std::cout << "proof INVALID: " << proof.status().ToString() << "\n";
    return kExitFailure;
  }
  if (!proof.ok()) return ReportError("verify-proof", proof.status());
  const Status s = ledger::VerifyTxProof(*proof, root->chain_id, root->validators);
  if (!s.ok()) {
    std::cout << "proof INVALID: " << s.ToString() << "\n";
    return kExitFailure;
  }
  std::cout << "proof valid: tx " << ToHex(proto::TxId(proof->tx())) << " at height "
            << proof->header().height() << " index " << proof->merkle().leaf_index()
            << ", certified by a quorum of " << root->validators.size() << " validators of chain "
            << root->chain_id << "\n";
  return kExitOk;
}

}  // namespace

std::vector<Command> VerifyCommands() {
  return {
      {"verify", "--data-dir DIR [--chain-id ID --validators HEX,HEX,...]",
       "walk the whole stored chain (hashes, links, Merkle roots, batch digests, indexes, "
       "certificates; signatures too when the validator keys are given) and name the first "
       "bad block; exit 0 when sound, 1 when not",
       FlagSpec{{"data-dir", "chain-id", "validators"}, {}}, Verify},
      {"verify-proof", "FILE|--proof FILE (--genesis GENESIS | --chain-id ID --validators HEX,HEX,...)",
       "check a transaction proof offline (FILE: one proof in the API's JSON form, or an answer "
       "carrying it as \"proof\", or a serialized TxProof, binary or hex): the transaction's Merkle "
       "path to the header's tx_root, the batch digest, and the commit certificate against the "
       "validator keys (from the genesis file, or given); exit 0 when valid, 1 when not",
       FlagSpec{{"proof", "chain-id", "validators", "genesis"}, {}}, VerifyProof},
  };
}

}  // namespace cc::cli
