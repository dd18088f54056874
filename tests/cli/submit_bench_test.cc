// `creditctl submit` and `creditctl bench`, the real binary, against FakeCluster
// nodes: what reaches the node is checked transaction by transaction (signature,
// fields, nonces), and what bench prints is checked against what the nodes saw.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "cli/tx_builder.h"
#include "common/hex.h"
#include "contracts/genesis.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "proto/canonical.h"
#include "tests/cli/cli_test_util.h"
#include "tests/cli/fake_node.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "wire/credit_json.h"

namespace cc::cli {
namespace {

namespace fs = std::filesystem;
using cc::testing::ProcessResult;
using cc::testing::RunProcess;
using cc::testing::TempDir;
using testing::FakeCluster;

using testing::Contains;
using testing::Ctl;
using testing::kCreditctl;
using testing::ReadFile;

// A network folder from the real `network init` whose validators' http_listen
// point at FakeCluster nodes.
class BenchNetworkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    net_ = fs::path(dir_.path()) / "net";
    const ProcessResult r = Ctl({"network", "init", "--validators", "2", "--observers", "1", "--out",
                                 net_.string(), "--base-port", "41000", "--chain-id", "bench-chain"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto genesis = contracts::ParseGenesis(ReadFile(net_ / "genesis.json"));
    ASSERT_TRUE(genesis.ok());
    std::map<std::string, std::string> keys;
    for (const auto& m : genesis->members) keys[m.id] = m.public_key;
    const nlohmann::json tokens = nlohmann::json::parse(ReadFile(net_ / "tokens.json"));
    writer_ = tokens["writer"].get<std::string>();
    cluster_ = std::make_unique<FakeCluster>(2, "bench-chain", keys, writer_);
    for (int i = 0; i < 2; ++i) {
      const fs::path cfg = net_ / ("node-validator-" + std::to_string(i) + ".json");
      nlohmann::ordered_json j = nlohmann::ordered_json::parse(ReadFile(cfg));
      j["http_listen"] = "127.0.0.1:" + std::to_string(cluster_->port(i));
      std::ofstream(cfg, std::ios::trunc) << j.dump(2);
    }
  }

  TempDir dir_;
  fs::path net_;
  std::string writer_;
  std::unique_ptr<FakeCluster> cluster_;
};

TEST_F(BenchNetworkTest, SubmitsPreSignedTransactionsAndReportsCommitsAndLatency) {
  const uint64_t start_ms = NowMs();
  const ProcessResult r = Ctl({"bench", "--network", net_.string(), "--rate", "4000", "--duration", "0.5",
                               "--batch", "100", "--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const uint64_t end_day = NowMs() / kMsPerDay;
  EXPECT_TRUE(Contains(r.out, "submitted   2000 txs")) << r.out;
  EXPECT_TRUE(Contains(r.out, "accepted    2000\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "rejected    0\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "committed   2000 txs")) << r.out;
  // Every commit was observed at 3 ms, inside the (2.5 ms, 5 ms] bucket: the median
  // interpolates to its middle and the maximum is the bucket's upper bound.
  EXPECT_TRUE(Contains(r.out, "over 2000 txs")) << r.out;
  EXPECT_TRUE(Contains(r.out, "p50 3.75 ms")) << r.out;
  EXPECT_TRUE(Contains(r.out, "max <= 5.00 ms")) << r.out;
  EXPECT_TRUE(Contains(r.out, "mean 3.00 ms")) << r.out;
  EXPECT_TRUE(Contains(r.out, "peak RSS")) << r.out;

  // Round-robin over both validators, each tx signed by its sender, all distinct.
  EXPECT_EQ(cluster_->accepted_per_node(), (std::vector<size_t>{1000, 1000}));
  std::set<std::pair<std::string, uint64_t>> nonces;
  std::map<std::string, size_t> senders;
  for (const auto& tx : cluster_->accepted()) {
    ASSERT_TRUE(tx.body().has_record_event());
    EXPECT_EQ(tx.body().chain_id(), "bench-chain");
    EXPECT_LE(tx.body().not_before_ms(), start_ms);
    EXPECT_GE(tx.body().not_after_ms(), start_ms + 60'000);
    EXPECT_EQ(tx.body().record_event().subject_key().size(), 32u);
    // Today, by the clock creditctl read during the run (which may cross midnight).
    EXPECT_GE(tx.body().record_event().event_day(), start_ms / kMsPerDay);
    EXPECT_LE(tx.body().record_event().event_day(), end_day);
    nonces.insert({tx.body().sender(), tx.body().nonce()});
    ++senders[tx.body().sender()];
  }
  EXPECT_EQ(nonces.size(), 2000u);
  EXPECT_EQ(senders, (std::map<std::string, size_t>{{"member-0", 1000}, {"member-1", 1000}}));
}

TEST_F(BenchNetworkTest, CountsRejectionsByCode) {
  cluster_->SetFull(1, true);
  const ProcessResult r = Ctl({"bench", "--config", (net_ / "node-validator-0.json").string(), "--rate",
                               "2000", "--duration", "0.5", "--batch", "100"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "accepted    500\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "rejected    500 (mempool_full (http 429) 500)")) << r.out;
  EXPECT_TRUE(Contains(r.out, "committed   500 txs")) << r.out;
  EXPECT_EQ(cluster_->accepted_per_node(), (std::vector<size_t>{500, 0}));
}

TEST_F(BenchNetworkTest, TargetsOnlyTheNamedNodes) {
  const ProcessResult r = Ctl({"bench", "--network", net_.string(), "--rate", "2000", "--duration", "0.25",
                               "--batch", "50", "--nodes", "validator-1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(cluster_->accepted_per_node(), (std::vector<size_t>{0, 500}));
}

TEST_F(BenchNetworkTest, FailsWhenCommitsDoNotArrive) {
  cluster_->SetCommitting(false);
  const ProcessResult r = Ctl({"bench", "--network", net_.string(), "--rate", "1000", "--duration", "0.1",
                               "--batch", "50", "--wait-timeout", "0.3"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_TRUE(Contains(r.out, "accepted    100\n")) << r.out;
  EXPECT_TRUE(Contains(r.out, "INCOMPLETE")) << r.out;
}

TEST_F(BenchNetworkTest, BadArgumentsExitTwo) {
  const std::string cfg = (net_ / "node-validator-0.json").string();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"bench"},
           {"bench", "--network", net_.string(), "--config", cfg},
           {"bench", "--network", net_.string(), "--rate", "0"},
           {"bench", "--network", net_.string(), "--batch", "5000"},
           {"bench", "--network", net_.string(), "--duration", "x"},
           {"bench", "--network", net_.string(), "--nodes", "validator-9"},
       }) {
    const ProcessResult r = Ctl(args);
    EXPECT_EQ(r.exit_code, 2) << args.back() << "\n" << r.err;
    EXPECT_TRUE(Contains(r.err, "usage: creditctl bench")) << r.err;
  }
  const ProcessResult missing = Ctl({"bench", "--network", (net_ / "nowhere").string()});
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_TRUE(cluster_->accepted().empty());
}

class SubmitTest : public BenchNetworkTest {
 protected:
  std::vector<std::string> Args(const std::vector<std::string>& extra) {
    std::vector<std::string> a = {"submit",
                                  "--node",
                                  "http://127.0.0.1:" + std::to_string(cluster_->port(0)),
                                  "--token",
                                  writer_,
                                  "--key",
                                  (net_ / "keys/member-1.key").string(),
                                  "--member",
                                  "member-1",
                                  "--chain-id",
                                  "bench-chain",
                                  "--subject-key",
                                  std::string(64, 'c'),
                                  "--event",
                                  "default",
                                  "--loan-ref",
                                  "loan-9",
                                  "--amount",
                                  "250000",
                                  "--record-hash",
                                  std::string(64, 'd')};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  // Args({}) with the value of `flag` replaced.
  std::vector<std::string> With(const std::string& flag, const std::string& value) {
    std::vector<std::string> a = Args({});
    auto it = std::find(a.begin(), a.end(), flag);
    EXPECT_NE(it, a.end()) << flag;
    *(it + 1) = value;
    return a;
  }
};

TEST_F(SubmitTest, SignsOneRecordCreditEventAndPrintsTheAnswer) {
  const uint64_t before = NowMs();
  // A date a month before today: a past date is valid whenever the test runs.
  const uint32_t event_day = static_cast<uint32_t>(before / kMsPerDay - 30);
  ProcessResult r = Ctl(Args({"--date", wire::FormatDate(event_day), "--wait"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json answer = nlohmann::json::parse(r.out);
  EXPECT_EQ(answer["status"], "committed");
  ASSERT_EQ(cluster_->accepted().size(), 1u);
  const pb::SignedTx tx = cluster_->accepted()[0];
  EXPECT_EQ(answer["tx_id"], ToHex(proto::TxId(tx.SerializeAsString())));
  EXPECT_EQ(cluster_->tx_targets(), (std::vector<std::string>{"/v1/tx?wait=commit"}));
  EXPECT_EQ(tx.body().sender(), "member-1");
  const auto& ev = tx.body().record_event();
  EXPECT_EQ(ev.subject_key(), std::string(32, '\xcc'));
  EXPECT_EQ(ev.event_type(), pb::EVENT_DEFAULT);
  EXPECT_EQ(ev.loan_ref_hash(), crypto::Blake2b256("loan-9"));
  EXPECT_EQ(ev.record_hash(), std::string(32, '\xdd'));
  EXPECT_EQ(ev.amount_minor(), 250000u);
  EXPECT_EQ(ev.currency(), "CNY");
  EXPECT_EQ(ev.event_day(), event_day);
  EXPECT_LE(tx.body().not_before_ms(), before);
  EXPECT_EQ(tx.body().not_after_ms() - tx.body().not_before_ms(), 11u * 60'000);

  // Without --wait: the pending answer; a fixed nonce is used as given.
  const uint64_t day_before = NowMs() / kMsPerDay;
  r = Ctl(Args({"--nonce", "77", "--currency", "USD"}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const uint64_t day_after = NowMs() / kMsPerDay;
  EXPECT_EQ(nlohmann::json::parse(r.out)["status"], "pending");
  EXPECT_EQ(cluster_->tx_targets().back(), "/v1/tx");
  EXPECT_EQ(cluster_->accepted().back().body().nonce(), 77u);
  EXPECT_EQ(cluster_->accepted().back().body().record_event().currency(), "USD");
  // Without --date: today, by the clock creditctl read (the run may cross midnight).
  EXPECT_GE(cluster_->accepted().back().body().record_event().event_day(), day_before);
  EXPECT_LE(cluster_->accepted().back().body().record_event().event_day(), day_after);
}

TEST_F(SubmitTest, NodeRefusalsExitOneAndShowTheError) {
  // Signed with member-0's key but claiming member-1.
  std::vector<std::string> args = Args({});
  for (auto& a : args) {
    if (a == (net_ / "keys/member-1.key").string()) a = (net_ / "keys/member-0.key").string();
  }
  ProcessResult r = Ctl(args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, "bad_signature")) << r.out;
  EXPECT_TRUE(Contains(r.err, "HTTP 400")) << r.err;

  args = Args({});
  for (auto& a : args) {
    if (a == writer_) a = "cc_" + std::string(64, '0');
  }
  r = Ctl(args);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(Contains(r.out, "unauthorized")) << r.out;
  EXPECT_TRUE(cluster_->accepted().empty());
}

TEST_F(SubmitTest, BadArgumentsExitTwoAndSendNothing) {
  // Dates from today's year, so nothing here is bound to a calendar day: February
  // never has a 30th, and --date with --event-day is refused whatever the day.
  const uint64_t today = NowMs() / kMsPerDay;
  const std::string today_date = wire::FormatDate(today);
  std::vector<std::string> missing_subject = Args({});
  const auto it = std::find(missing_subject.begin(), missing_subject.end(), "--subject-key");
  missing_subject.erase(it, it + 2);
  for (const auto& args : std::vector<std::vector<std::string>>{
           missing_subject,
           Args({"--date", today_date.substr(0, 4) + "-02-30"}),
           Args({"--date", today_date, "--event-day", std::to_string(today)}),
           Args({"--currency", "YUAN"}),
           With("--amount", "-5"),
           With("--loan-ref", ""),
           With("--node", "https://127.0.0.1:1"),
           Args({"--nonce", "18446744073709551616"}),
       }) {
    const ProcessResult r = Ctl(args);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_TRUE(Contains(r.err, "usage: creditctl submit")) << r.err;
  }
  EXPECT_EQ(Ctl(With("--event", "defaulted")).exit_code, 2);
  EXPECT_EQ(Ctl(With("--subject-key", "abcd")).exit_code, 2);
  EXPECT_TRUE(cluster_->accepted().empty());
}

}  // namespace
}  // namespace cc::cli
