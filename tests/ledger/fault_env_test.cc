// The FaultEnv itself (tests/support/fault_env.h): the faults it injects and its
// power-loss model, on real files, so the disk-fault suites rest on a checked tool.
#include "tests/support/fault_env.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "tests/support/temp_dir.h"

namespace cc::testing {
namespace {

using Fault = FaultEnv::Fault;

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::unique_ptr<leveldb::WritableFile> Create(FaultEnv& env, const std::string& path) {
  leveldb::WritableFile* f = nullptr;
  EXPECT_TRUE(env.NewWritableFile(path, &f).ok());
  return std::unique_ptr<leveldb::WritableFile>(f);
}

TEST(FaultEnv, PowerLossKeepsExactlyTheSyncedBytes) {
  TempDir dir;
  FaultEnv env;
  const std::string path = dir.Sub("000003.log");
  {
    auto f = Create(env, path);
    ASSERT_TRUE(f->Append("synced").ok());
    ASSERT_TRUE(f->Sync().ok());
    ASSERT_TRUE(f->Append("-unsynced").ok());
    ASSERT_TRUE(f->Close().ok());
  }
  EXPECT_EQ(Contents(path), "synced-unsynced");
  env.DropUnsyncedData();
  EXPECT_EQ(Contents(path), "synced");
}

TEST(FaultEnv, NewFilesWithoutADurableEntryDisappear) {
  TempDir dir;
  const std::string old_file = dir.Sub("CURRENT");
  std::ofstream(old_file) << "before";
  FaultEnv env;
  const std::string never_synced = dir.Sub("000005.log");
  const std::string covered = dir.Sub("000007.log");
  {
    // Created before a MANIFEST sync, which syncs the directory: the entry stays,
    // the unsynced bytes do not.
    auto b = Create(env, covered);
    ASSERT_TRUE(b->Append("data").ok());
    auto manifest = Create(env, dir.Sub("MANIFEST-000006"));
    ASSERT_TRUE(manifest->Append("edit").ok());
    ASSERT_TRUE(manifest->Sync().ok());
    // Created after it and never synced: gone.
    auto a = Create(env, never_synced);
    ASSERT_TRUE(a->Append("lost").ok());
  }
  env.DropUnsyncedData();
  EXPECT_FALSE(std::filesystem::exists(never_synced));
  ASSERT_TRUE(std::filesystem::exists(covered));
  EXPECT_EQ(Contents(covered), "");
  EXPECT_EQ(Contents(dir.Sub("MANIFEST-000006")), "edit");
  EXPECT_EQ(Contents(old_file), "before");  // untouched: it predates the Env
}

TEST(FaultEnv, RenameCarriesTheSyncedLength) {
  TempDir dir;
  FaultEnv env;
  {
    auto f = Create(env, dir.Sub("000009.dbtmp"));
    ASSERT_TRUE(f->Append("MANIFEST-000009\n").ok());
    ASSERT_TRUE(f->Sync().ok());
    ASSERT_TRUE(f->Append("tail").ok());
  }
  ASSERT_TRUE(env.RenameFile(dir.Sub("000009.dbtmp"), dir.Sub("CURRENT")).ok());
  env.DropUnsyncedData();
  EXPECT_EQ(Contents(dir.Sub("CURRENT")), "MANIFEST-000009\n");
}

TEST(FaultEnv, FailedWritesWriteNothingAndAreCounted) {
  TempDir dir;
  FaultEnv env;
  auto f = Create(env, dir.Sub("000003.log"));
  env.Arm(Fault::kFailWrite, 1, 2);
  EXPECT_TRUE(f->Append("a").ok());
  EXPECT_TRUE(f->Append("b").IsIOError());
  EXPECT_TRUE(f->Append("c").IsIOError());
  EXPECT_TRUE(f->Append("d").ok());
  ASSERT_TRUE(f->Close().ok());
  EXPECT_EQ(Contents(dir.Sub("000003.log")), "ad");
  EXPECT_EQ(env.writes(), 4u);
  EXPECT_EQ(env.faults_injected(), 2u);
}

TEST(FaultEnv, TornWritesWriteAStrictPrefixChosenByTheSeed) {
  auto torn = [](uint64_t seed) {
    TempDir dir;
    FaultEnv env(seed);
    auto f = Create(env, dir.Sub("000003.log"));
    env.Arm(Fault::kTornWrite, 0, 1);
    EXPECT_TRUE(f->Append(std::string(1000, 'x')).IsIOError());
    EXPECT_TRUE(f->Close().ok());
    return Contents(dir.Sub("000003.log")).size();
  };
  const size_t a = torn(42);
  EXPECT_LT(a, 1000u);
  EXPECT_EQ(torn(42), a);  // deterministic
  bool differs = false;
  for (uint64_t seed = 1; seed < 8 && !differs; ++seed) differs = torn(seed) != a;
  EXPECT_TRUE(differs) << "the seed does not choose the prefix";
}

TEST(FaultEnv, FailedSyncMakesNothingDurable) {
  TempDir dir;
  FaultEnv env;
  const std::string path = dir.Sub("000003.log");
  {
    auto f = Create(env, path);
    ASSERT_TRUE(f->Append("one").ok());
    ASSERT_TRUE(f->Sync().ok());
    ASSERT_TRUE(f->Append("two").ok());
    env.Arm(Fault::kFailSync, 0, FaultEnv::kForever);
    EXPECT_TRUE(f->Sync().IsIOError());
    EXPECT_TRUE(f->Sync().IsIOError());
  }
  EXPECT_EQ(env.syncs(), 3u);
  env.DropUnsyncedData();
  EXPECT_EQ(Contents(path), "one");
}

TEST(FaultEnv, FaultsApplyOnlyToTheSelectedFiles) {
  TempDir dir;
  FaultEnv env;
  env.SetFaultFiles(FaultEnv::kLogFiles);
  env.Arm(Fault::kFailWrite, 0, FaultEnv::kForever);
  auto manifest = Create(env, dir.Sub("MANIFEST-000002"));
  auto table = Create(env, dir.Sub("000004.ldb"));
  auto log = Create(env, dir.Sub("000005.log"));
  EXPECT_TRUE(manifest->Append("m").ok());
  EXPECT_TRUE(table->Append("t").ok());
  EXPECT_TRUE(log->Append("l").IsIOError());
  EXPECT_EQ(env.writes(), 1u);  // only the log's write is counted
}

TEST(FaultEnv, KeepSomeUnsyncedKeepsAPrefixOfTheUnsyncedTail) {
  TempDir dir;
  const std::string path = dir.Sub("000003.log");
  size_t shortest = 1000, longest = 0;
  for (uint64_t seed = 1; seed <= 16; ++seed) {
    FaultEnv env(seed);
    {
      auto f = Create(env, path);
      ASSERT_TRUE(f->Append("head").ok());
      ASSERT_TRUE(f->Sync().ok());
      ASSERT_TRUE(f->Append(std::string(100, 'u')).ok());
    }
    env.KeepSomeUnsyncedData();
    const std::string kept = Contents(path);
    ASSERT_GE(kept.size(), 4u);
    EXPECT_EQ(kept.substr(0, 4), "head");
    shortest = std::min(shortest, kept.size());
    longest = std::max(longest, kept.size());
  }
  EXPECT_LT(shortest, longest) << "the kept length does not vary with the seed";
  EXPECT_LE(longest, 104u);
}

}  // namespace
}  // namespace cc::testing
