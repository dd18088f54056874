// Kills a process appending blocks to a real LevelDB directory with SIGKILL, several
// times at different moments, and checks after each kill that the reopened ledger is
// sound and that the tip block h is wholly there with its state and tx index while
// block h+1 is wholly absent.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

#include "crypto/hash.h"
#include "ledger/leveldb_ledger.h"
#include "proto/canonical.h"
#include "tests/ledger/chain_builder.h"
#include "tests/support/temp_dir.h"

namespace cc::ledger {
namespace {

using cc::testing::TempDir;
using testing::ChainBuilder;

const std::string kWriter = CC_BINARY_DIR "/tests/ledger/ledger_crash_writer";
constexpr int kBlocks = 60;
constexpr int kTxsPerBlock = 200;

// Starts the writer on `db_path`; returns its pid and the read end of its status pipe.
std::pair<pid_t, int> StartWriter(const std::string& db_path) {
  int fds[2];
  if (pipe(fds) != 0) return {-1, -1};
  const std::string blocks = std::to_string(kBlocks);
  const std::string txs = std::to_string(kTxsPerBlock);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    if (fds[1] != 3) {
      dup2(fds[1], 3);
      close(fds[1]);
    }
    execl(kWriter.c_str(), kWriter.c_str(), db_path.c_str(), blocks.c_str(), txs.c_str(), "3",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

// Blocks until the writer reports a height >= `target`; returns the last report, or
// 0 if the writer died first.
uint64_t WaitForHeight(int fd, uint64_t target) {
  uint64_t last = 0;
  while (last < target) {
    unsigned char buf[8];
    size_t got = 0;
    while (got < sizeof buf) {
      const ssize_t n = read(fd, buf + got, sizeof buf - got);
      if (n <= 0) return 0;
      got += static_cast<size_t>(n);
    }
    last = 0;
    for (unsigned char c : buf) last = (last << 8) | c;
  }
  return last;
}

class CrashTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ChainBuilder chain("crash-chain", 4, "crash");
    expected_ = new std::vector<pb::CertifiedBlock>();
    for (int i = 0; i < kBlocks; ++i) expected_->push_back(chain.Next(kTxsPerBlock));
    keys_ = new std::vector<std::string>(chain.public_keys());
  }
  static void TearDownTestSuite() {
    delete expected_;
    delete keys_;
  }

  // Everything of block `h` (1-based) is present in `ledger`.
  static void ExpectWhole(const Ledger& ledger, uint64_t h) {
    const pb::CertifiedBlock& b = (*expected_)[h - 1];
    auto stored = ledger.GetBlock(h);
    ASSERT_TRUE(stored.ok()) << h;
    EXPECT_EQ(stored->SerializeAsString(), b.SerializeAsString());
    EXPECT_EQ(ledger.GetState(ChainBuilder::BlockStateKey(h)), proto::BlockHash(b.block().header()));
    for (int i = 0; i < b.block().txs_size(); ++i) {
      auto loc = ledger.FindTx(proto::TxId(b.block().txs(i)));
      ASSERT_TRUE(loc.ok()) << "block " << h << " tx " << i;
      EXPECT_EQ(loc->height, h);
      EXPECT_EQ(loc->index, static_cast<uint32_t>(i));
    }
  }
  // Nothing of block `h` is present.
  static void ExpectAbsent(const Ledger& ledger, uint64_t h) {
    if (h > static_cast<uint64_t>(kBlocks)) return;
    const pb::CertifiedBlock& b = (*expected_)[h - 1];
    EXPECT_EQ(ledger.GetBlock(h).status().code(), "not_found");
    EXPECT_EQ(ledger.GetBlockByHash(proto::BlockHash(b.block().header())).status().code(), "not_found");
    EXPECT_FALSE(ledger.GetState(ChainBuilder::BlockStateKey(h)));
    for (int i = 0; i < b.block().txs_size(); ++i) {
      EXPECT_EQ(ledger.FindTx(proto::TxId(b.block().txs(i))).status().code(), "not_found")
          << "block " << h << " tx " << i;
    }
  }

  static std::vector<pb::CertifiedBlock>* expected_;
  static std::vector<std::string>* keys_;
};
std::vector<pb::CertifiedBlock>* CrashTest::expected_ = nullptr;
std::vector<std::string>* CrashTest::keys_ = nullptr;

TEST_F(CrashTest, KilledWriterLeavesWholeBlocksOnly) {
  TempDir dir;
  const std::string db = dir.Sub("ledger");
  uint64_t previous_tip = 0;
  // Five kills on ONE database, each after more blocks than the last: every restart
  // continues from the recovered tip, so recovery is exercised repeatedly.
  // After the awaited report the parent does a different amount of work (hashing, no
  // sleeping) before the kill, so the kills land at different points of the writer's
  // Append loop; correctness is judged only from what is on disk afterwards.
  const std::pair<uint64_t, int> rounds[] = {{3, 0}, {9, 3000}, {16, 12000}, {24, 700}, {33, 40000}};
  for (const auto& [target, spin] : rounds) {
    auto [pid, fd] = StartWriter(db);
    ASSERT_GT(pid, 0);
    const uint64_t reported = WaitForHeight(fd, target);
    std::string churn = "spin";
    for (int i = 0; i < spin; ++i) churn = crypto::Blake2b256(churn);
    kill(pid, SIGKILL);  // the writer is now inside a later Append (or building it)
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    close(fd);
    ASSERT_NE(reported, 0u) << "writer exited before reaching height " << target;
    ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
        << "writer ended on its own, status " << status;

    auto opened = LevelDbLedger::Open(db, OpenOptions{false, 0});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    const Ledger& ledger = **opened;
    const uint64_t h = ledger.Height();
    std::cout << "[ crash    ] killed after report " << reported << "; recovered tip " << h << "\n";
    EXPECT_GE(h, reported);  // a reported block was synced
    EXPECT_GT(h, previous_tip);
    const ChainReport report = VerifyChain(ledger, "crash-chain", *keys_);
    EXPECT_TRUE(report.ok()) << "first bad " << report.first_bad << ": " << report.reason;
    EXPECT_EQ(report.height, h);
    EXPECT_EQ(ledger.TipHash(), proto::BlockHash((*expected_)[h - 1].block().header()));
    EXPECT_EQ(ledger.GetState("last"), std::to_string(h));
    ExpectWhole(ledger, h);
    ExpectAbsent(ledger, h + 1);
    previous_tip = h;
  }
}

}  // namespace
}  // namespace cc::ledger
