// creditctl as a user runs it: the real binary, real files, exit codes and output.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/hex.h"
#include "crypto/keys.h"
#include "ledger/leveldb_ledger.h"
#include "proto/canonical.h"
#include "tests/ledger/chain_builder.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace cc::ledger {
namespace {

using cc::testing::ProcessResult;
using cc::testing::RunProcess;
using cc::testing::TempDir;

const std::string kCreditctl = CC_BINARY_DIR "/cli/creditctl";

ProcessResult Ctl(const std::vector<std::string>& args, const std::string& input = "") {
  return RunProcess(kCreditctl, args, input);
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Creditctl, UsageErrorsExitTwoWithUsage) {
  ProcessResult r = Ctl({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "usage: creditctl")) << r.err;
  r = Ctl({"frobnicate"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "unknown command 'frobnicate'")) << r.err;
  r = Ctl({"keygen"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "missing --out")) << r.err;
  EXPECT_TRUE(Contains(r.err, "usage: creditctl keygen")) << r.err;
  r = Ctl({"keygen", "--out"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "--out needs a value")) << r.err;
  r = Ctl({"verify", "--data-dir", "/tmp", "--colour", "red"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "unknown flag --colour")) << r.err;
  r = Ctl({"verify", "--data-dir", "/tmp", "--chain-id", "x"});
  EXPECT_EQ(r.exit_code, 2);
  r = Ctl({"verify", "--data-dir", "/tmp", "--chain-id", "x", "--validators", "abcd"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Contains(r.err, "not a 64-hex-character public key")) << r.err;
}

TEST(Creditctl, HelpExitsZero) {
  EXPECT_EQ(Ctl({"help"}).exit_code, 0);
  const ProcessResult r = Ctl({"verify", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(Contains(r.out, "--data-dir")) << r.out;
}

TEST(Creditctl, KeygenWritesAPrivateKeyFileAndPrintsItsPublicKey) {
  TempDir dir;
  const std::string path = dir.Sub("node.key");
  ProcessResult r = Ctl({"keygen", "--out", path});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto key = crypto::LoadKeyFile(path);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(r.out, ToHex(key->public_key()) + "\n");

  // Never overwrites: the existing key stays.
  r = Ctl({"keygen", "--out", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "exists")) << r.err;
  EXPECT_EQ(crypto::LoadKeyFile(path)->public_key(), key->public_key());

  r = Ctl({"keygen", "--out", dir.Sub("no/such/dir/k")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "io")) << r.err;
}

nlohmann::json Vectors() {
  std::ifstream in(std::string(CC_SOURCE_DIR) + "/../shared/vectors/subject_keys.json");
  return nlohmann::json::parse(in);
}

TEST(Creditctl, SubjectKeyReproducesTheSharedVectors) {
  const nlohmann::json v = Vectors();
  TempDir dir;
  const std::string secret = dir.Sub("alliance.secret");
  ASSERT_TRUE(crypto::SaveSecretFile(secret, *FromHex(v["alliance_secret_hex"].get<std::string>())).ok());
  ASSERT_FALSE(v["valid"].empty());
  for (const auto& c : v["valid"]) {
    const ProcessResult r =
        Ctl({"subject-key", "--id-type", c["id_type"], "--id", c["input"], "--secret-file", secret});
    EXPECT_EQ(r.exit_code, 0) << c.dump() << r.err;
    EXPECT_EQ(r.out, c["subject_key"].get<std::string>() + "\n") << c.dump();
  }
  ASSERT_FALSE(v["invalid"].empty());
  for (const auto& c : v["invalid"]) {
    const ProcessResult r =
        Ctl({"subject-key", "--id-type", c["id_type"], "--id", c["input"], "--secret-file", secret});
    EXPECT_EQ(r.exit_code, 1) << c.dump();
    EXPECT_TRUE(Contains(r.err, ": " + c["error"].get<std::string>() + ":")) << c.dump() << r.err;
    EXPECT_TRUE(r.out.empty());
  }
}

TEST(Creditctl, SubjectKeyReadsTheIdFromStdin) {
  const nlohmann::json v = Vectors();
  TempDir dir;
  const std::string secret = dir.Sub("alliance.secret");
  ASSERT_TRUE(crypto::SaveSecretFile(secret, *FromHex(v["alliance_secret_hex"].get<std::string>())).ok());
  const auto& c = v["valid"][0];
  const ProcessResult r =
      Ctl({"subject-key", "--id-type", c["id_type"], "--id", "-", "--secret-file", secret},
          c["input"].get<std::string>() + "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, c["subject_key"].get<std::string>() + "\n");
}

TEST(Creditctl, SubjectKeyReportsBadSecretFiles) {
  TempDir dir;
  ProcessResult r =
      Ctl({"subject-key", "--id-type", "passport", "--id", "E12345678", "--secret-file", dir.Sub("missing")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "io")) << r.err;
  const std::string loose = dir.Sub("loose.secret");
  std::ofstream(loose) << std::string(64, 'a') << "\n";
  chmod(loose.c_str(), 0644);
  r = Ctl({"subject-key", "--id-type", "passport", "--id", "E12345678", "--secret-file", loose});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "permissions")) << r.err;
  r = Ctl({"subject-key", "--id", "E12345678", "--secret-file", loose});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Creditctl, VerifyRefusesWhatIsNotALedger) {
  TempDir dir;
  ProcessResult r = Ctl({"verify", "--data-dir", dir.Sub("absent")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "not_found")) << r.err;
  r = Ctl({"verify", "--data-dir", dir.path()});  // a directory without a ledger
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "not_found")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(LedgerDbPath(dir.path())));  // verify creates nothing
}

TEST(Creditctl, VerifyAcceptsTheDatabaseDirectoryItself) {
  TempDir dir;
  testing::ChainBuilder chain;
  {
    auto opened = LevelDbLedger::Open(dir.Sub("db"));
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE((*opened)->Append(chain.Next(3), {}).ok());
  }
  const ProcessResult r = Ctl({"verify", "--data-dir", dir.Sub("db")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "1 blocks")) << r.out;
}

std::string Join(const std::vector<std::string>& keys) {
  std::string out;
  for (const auto& k : keys) out += (out.empty() ? "" : ",") + ToHex(k);
  return out;
}

TEST(Creditctl, VerifyProofChecksAProofServedByALedger) {
  TempDir dir;
  testing::ChainBuilder chain("proof-cli-chain");
  {
    auto opened = LevelDbLedger::Open(dir.Sub("db"));
    ASSERT_TRUE(opened.ok());
    ASSERT_TRUE((*opened)->Append(chain.Next(5), {}).ok());
    const pb::CertifiedBlock b2 = chain.Next(9);
    ASSERT_TRUE((*opened)->Append(b2, {}).ok());
    auto proof = (*opened)->GetTxProof(proto::TxId(b2.block().txs(6)));
    ASSERT_TRUE(proof.ok());
    std::ofstream(dir.Sub("proof.bin"), std::ios::binary) << proof->SerializeAsString();
    std::ofstream(dir.Sub("proof.hex")) << ToHex(proof->SerializeAsString()) << "\n";
    pb::TxProof forged = *proof;
    forged.set_tx(b2.block().txs(5));
    std::ofstream(dir.Sub("forged.bin"), std::ios::binary) << forged.SerializeAsString();
  }
  const std::string keys = Join(chain.public_keys());
  for (const char* file : {"proof.bin", "proof.hex"}) {
    const ProcessResult r =
        Ctl({"verify-proof", "--proof", dir.Sub(file), "--chain-id", chain.chain_id(), "--validators", keys});
    EXPECT_EQ(r.exit_code, 0) << file << r.out << r.err;
    EXPECT_TRUE(Contains(r.out, "at height 2 index 6")) << r.out;
  }
  ProcessResult r = Ctl({"verify-proof", "--proof", dir.Sub("forged.bin"), "--chain-id", chain.chain_id(),
                         "--validators", keys});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, "bad_proof")) << r.out;
  r = Ctl(
      {"verify-proof", "--proof", dir.Sub("proof.bin"), "--chain-id", "other-chain", "--validators", keys});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, "bad_certificate")) << r.out;
  std::ofstream(dir.Sub("junk")) << "not a proof at all";
  r = Ctl({"verify-proof", "--proof", dir.Sub("junk"), "--chain-id", "c", "--validators", keys});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.err, "format")) << r.err;
  r = Ctl({"verify-proof", "--proof", dir.Sub("proof.bin")});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace cc::ledger
