// FaultEnv: a leveldb::Env for tests that injects disk faults under a REAL LevelDB
// database on a real directory, and simulates a power loss afterwards.
//
// It forwards everything to leveldb::Env::Default() (real files, real directory), and
// wraps every WritableFile it hands out so that it can
//   - fail writes: WritableFile::Append returns an IO error and writes nothing
//     (kFailWrite), or writes only a prefix of its data, chosen by the seed and
//     possibly empty, then returns an IO error (kTornWrite);
//   - fail syncs: WritableFile::Sync returns an IO error and nothing becomes
//     synced (kFailSync);
//   - remember, per file, how many bytes were written and how many of them a
//     successful Sync made durable, to simulate a power loss once the database is
//     closed (DropUnsyncedData).
//
// Faults are armed one at a time and counted, never timed: Arm(kind, skip, count)
// lets the next `skip` operations of that kind (writes for kFailWrite/kTornWrite,
// syncs for kFailSync) succeed and fails the `count` after them. Only files of the
// kinds selected by SetFaultFiles are counted and faulted (default: all). A test
// first runs an operation once to count its writes and syncs, then fails each one
// in turn: every fault position, not one lucky case. Same seed, same faults.
//
// The power-loss model, applied by DropUnsyncedData():
//   - a file keeps exactly the bytes covered by its last successful Sync (all of a
//     file that existed before the FaultEnv first touched it);
//   - a file created through this Env is REMOVED if its directory entry never
//     became durable: neither the file itself was synced (ext4 and xfs persist a new
//     file's entry with its first fsync, which LevelDB relies on for a log file
//     created when its memtable switches) nor, after its creation, a MANIFEST in its
//     directory (the default Env fsyncs the directory whenever it syncs a
//     MANIFEST);
//   - renames and removals are durable at once. LevelDB renames only a synced
//     temporary file onto CURRENT, and a removed file coming back would be an
//     obsolete log or table that LevelDB ignores and deletes.
// KeepSomeUnsyncedData() is the gentler variant: each file keeps its synced bytes
// plus a seeded random prefix of the rest, and each never-durable file survives or
// not by a seeded coin flip (a power loss after the kernel wrote back some pages).
//
// Sync is simulated: a successful Sync flushes the file to the kernel and records
// its length as durable, without calling fsync(2) (the power loss is simulated too,
// so a real fsync would only make every fault position cost milliseconds). Construct
// with real_fsync = true to call the real Sync as well.
//
// The info LOG LevelDB writes through NewLogger is not tracked (it holds no data).
//
// Thread safety: LevelDB's background thread may use the Env concurrently with the
// test thread; every method is thread-safe. DropUnsyncedData and
// KeepSomeUnsyncedData REQUIRE that no database is open on this Env.
#pragma once

#include <leveldb/env.h>

#include <cstdint>
#include <limits>
#include <map>
#include <mutex>
#include <string>

namespace cc::testing {

class FaultEnv final : public leveldb::EnvWrapper {
 public:
  enum class Fault { kFailWrite, kTornWrite, kFailSync };

  // File kinds by LevelDB file name, for SetFaultFiles (a bit mask).
  static constexpr unsigned kLogFiles = 1;       // NNNNNN.log: the write-ahead log
  static constexpr unsigned kManifestFiles = 2;  // MANIFEST-NNNNNN
  static constexpr unsigned kTableFiles = 4;     // NNNNNN.ldb / .sst
  static constexpr unsigned kOtherFiles = 8;     // CURRENT, NNNNNN.dbtmp, anything else
  static constexpr unsigned kAllFiles = 15;

  static constexpr uint64_t kForever = std::numeric_limits<uint64_t>::max();

  explicit FaultEnv(uint64_t seed = 1, bool real_fsync = false);
  ~FaultEnv() override;
  FaultEnv(const FaultEnv&) = delete;
  FaultEnv& operator=(const FaultEnv&) = delete;

  // The kinds of file that faults apply to and counters count (default kAllFiles).
  // Writes of LevelDB's background compactions go to tables and the MANIFEST; a test
  // that must count deterministically while a compaction may run selects kLogFiles.
  void SetFaultFiles(unsigned kinds);
  // Arms `fault`: the next `skip` operations of its kind succeed, the `count` after
  // them fail (kForever: all). Replaces any fault armed before.
  void Arm(Fault fault, uint64_t skip, uint64_t count = 1);
  void Disarm();

  // Operations seen on selected files since construction (faulted ones included).
  uint64_t writes() const;
  uint64_t syncs() const;
  // Operations failed so far.
  uint64_t faults_injected() const;

  // Power loss (see the model above). Afterwards every remaining file counts as
  // durable. REQUIRES: no database open on this Env.
  void DropUnsyncedData();
  void KeepSomeUnsyncedData();

  // leveldb::Env
  leveldb::Status NewWritableFile(const std::string& fname, leveldb::WritableFile** result) override;
  leveldb::Status NewAppendableFile(const std::string& fname, leveldb::WritableFile** result) override;
  leveldb::Status RemoveFile(const std::string& fname) override;
  leveldb::Status RenameFile(const std::string& src, const std::string& target) override;

 private:
  class File;
  struct FileState {
    uint64_t size = 0;           // bytes written through this Env
    uint64_t synced = 0;         // bytes a successful Sync made durable
    bool entry_durable = false;  // the directory entry survives a power loss
  };
  // What one Append may do: write `write` bytes of its data, then fail or not.
  struct WriteDecision {
    size_t write = 0;
    bool fail = false;
  };

  static unsigned KindOf(const std::string& fname);
  uint64_t NextRandom();  // REQUIRES: mu_ held
  // REQUIRES: mu_ held. Counts the operation if its file is selected; true when it must fail.
  bool CountAndDecide(const std::string& fname, bool is_sync);
  WriteDecision BeforeWrite(const std::string& fname, size_t size);
  void AfterWrite(const std::string& fname, size_t written);
  bool SyncFails(const std::string& fname);
  void AfterSync(const std::string& fname);
  void PowerLoss(bool keep_some);
  bool TrackedEntryDurable(const std::string& fname);  // REQUIRES: mu_ held

  const bool real_fsync_;
  mutable std::mutex mu_;
  uint64_t rng_state_;
  unsigned fault_files_ = kAllFiles;
  bool armed_ = false;
  Fault fault_ = Fault::kFailWrite;
  uint64_t skip_ = 0;
  uint64_t count_ = 0;
  uint64_t writes_ = 0;
  uint64_t syncs_ = 0;
  uint64_t faults_ = 0;
  std::map<std::string, FileState> files_;  // files this Env created or appended to
};

}  // namespace cc::testing
