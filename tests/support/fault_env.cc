#include "tests/support/fault_env.h"

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

namespace cc::testing {

namespace {

std::string BaseName(const std::string& fname) {
  const size_t slash = fname.rfind('/');
  return slash == std::string::npos ? fname : fname.substr(slash + 1);
}

std::string DirName(const std::string& fname) {
  const size_t slash = fname.rfind('/');
  return slash == std::string::npos ? std::string(".") : fname.substr(0, slash);
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

leveldb::Status Injected(const std::string& what, const std::string& fname) {
  return leveldb::Status::IOError("injected " + what + " fault", fname);
}

}  // namespace

// A real WritableFile with the FaultEnv's faults and bookkeeping in front of it.
class FaultEnv::File final : public leveldb::WritableFile {
 public:
  File(FaultEnv& env, std::string fname, leveldb::WritableFile* base)
      : env_(env), fname_(std::move(fname)), base_(base) {}

  leveldb::Status Append(const leveldb::Slice& data) override {
    const WriteDecision d = env_.BeforeWrite(fname_, data.size());
    if (d.write > 0) {
      leveldb::Status s = base_->Append(leveldb::Slice(data.data(), d.write));
      if (!s.ok()) return s;
      env_.AfterWrite(fname_, d.write);
    }
    return d.fail ? Injected("write", fname_) : leveldb::Status::OK();
  }
  leveldb::Status Flush() override { return base_->Flush(); }
  leveldb::Status Sync() override {
    if (env_.SyncFails(fname_)) return Injected("sync", fname_);
    leveldb::Status s = env_.real_fsync_ ? base_->Sync() : base_->Flush();
    if (s.ok()) env_.AfterSync(fname_);
    return s;
  }
  leveldb::Status Close() override { return base_->Close(); }

 private:
  FaultEnv& env_;
  const std::string fname_;
  std::unique_ptr<leveldb::WritableFile> base_;
};

FaultEnv::FaultEnv(uint64_t seed, bool real_fsync)
    : leveldb::EnvWrapper(leveldb::Env::Default()), real_fsync_(real_fsync), rng_state_(seed) {}

FaultEnv::~FaultEnv() = default;

unsigned FaultEnv::KindOf(const std::string& fname) {
  const std::string base = BaseName(fname);
  if (EndsWith(base, ".log")) return kLogFiles;
  if (base.rfind("MANIFEST-", 0) == 0) return kManifestFiles;
  if (EndsWith(base, ".ldb") || EndsWith(base, ".sst")) return kTableFiles;
  return kOtherFiles;
}

uint64_t FaultEnv::NextRandom() {
  // splitmix64: small, seedable, and the same on every platform.
  uint64_t z = (rng_state_ += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void FaultEnv::SetFaultFiles(unsigned kinds) {
  std::lock_guard<std::mutex> lock(mu_);
  fault_files_ = kinds;
}

void FaultEnv::Arm(Fault fault, uint64_t skip, uint64_t count) {
  std::lock_guard<std::mutex> lock(mu_);
  armed_ = true;
  fault_ = fault;
  skip_ = skip;
  count_ = count;
}

void FaultEnv::Disarm() {
  std::lock_guard<std::mutex> lock(mu_);
  armed_ = false;
}

uint64_t FaultEnv::writes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return writes_;
}

uint64_t FaultEnv::syncs() const {
  std::lock_guard<std::mutex> lock(mu_);
  return syncs_;
}

uint64_t FaultEnv::faults_injected() const {
  std::lock_guard<std::mutex> lock(mu_);
  return faults_;
}

bool FaultEnv::CountAndDecide(const std::string& fname, bool is_sync) {
  if ((KindOf(fname) & fault_files_) == 0) return false;
  ++(is_sync ? syncs_ : writes_);
  if (!armed_ || (fault_ == Fault::kFailSync) != is_sync) return false;
  if (skip_ > 0) {
    --skip_;
    return false;
  }
  if (count_ == 0) return false;
  if (count_ != kForever) --count_;
  ++faults_;
  return true;
}

FaultEnv::WriteDecision FaultEnv::BeforeWrite(const std::string& fname, size_t size) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!CountAndDecide(fname, /*is_sync=*/false)) return {size, false};
  if (fault_ == Fault::kTornWrite && size > 0) return {static_cast<size_t>(NextRandom() % size), true};
  return {0, true};
}

void FaultEnv::AfterWrite(const std::string& fname, size_t written) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[fname].size += written;
}

bool FaultEnv::SyncFails(const std::string& fname) {
  std::lock_guard<std::mutex> lock(mu_);
  return CountAndDecide(fname, /*is_sync=*/true);
}

void FaultEnv::AfterSync(const std::string& fname) {
  std::lock_guard<std::mutex> lock(mu_);
  FileState& f = files_[fname];
  f.synced = f.size;
  f.entry_durable = true;
  if (KindOf(fname) == kManifestFiles) {
    // The default Env fsyncs the directory after syncing a MANIFEST: every entry
    // in that directory is durable from now on.
    const std::string dir = DirName(fname);
    for (auto& [name, state] : files_) {
      if (DirName(name) == dir) state.entry_durable = true;
    }
  }
}

bool FaultEnv::TrackedEntryDurable(const std::string& fname) {
  const auto it = files_.find(fname);
  if (it != files_.end()) return it->second.entry_durable;
  // Not created through this Env: it existed before, durably, or does not exist.
  return target()->FileExists(fname);
}

leveldb::Status FaultEnv::NewWritableFile(const std::string& fname, leveldb::WritableFile** result) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool existed_durably = TrackedEntryDurable(fname);
  leveldb::WritableFile* base = nullptr;
  leveldb::Status s = target()->NewWritableFile(fname, &base);
  if (!s.ok()) return s;
  FileState state;  // truncated: nothing of it is synced
  state.entry_durable = existed_durably;
  files_[fname] = state;
  *result = new File(*this, fname, base);
  return s;
}

leveldb::Status FaultEnv::NewAppendableFile(const std::string& fname, leveldb::WritableFile** result) {
  std::lock_guard<std::mutex> lock(mu_);
  const bool existed_durably = TrackedEntryDurable(fname);
  const bool tracked = files_.count(fname) > 0;
  leveldb::WritableFile* base = nullptr;
  leveldb::Status s = target()->NewAppendableFile(fname, &base);
  if (!s.ok()) return s;
  if (!tracked) {
    // Untracked bytes predate this Env: durable.
    uint64_t size = 0;
    if (existed_durably && !target()->GetFileSize(fname, &size).ok()) size = 0;
    FileState state;
    state.size = state.synced = size;
    state.entry_durable = existed_durably;
    files_[fname] = state;
  }
  *result = new File(*this, fname, base);
  return s;
}

leveldb::Status FaultEnv::RemoveFile(const std::string& fname) {
  std::lock_guard<std::mutex> lock(mu_);
  leveldb::Status s = target()->RemoveFile(fname);
  if (s.ok()) files_.erase(fname);
  return s;
}

leveldb::Status FaultEnv::RenameFile(const std::string& src, const std::string& target_name) {
  std::lock_guard<std::mutex> lock(mu_);
  leveldb::Status s = target()->RenameFile(src, target_name);
  if (!s.ok()) return s;
  const auto it = files_.find(src);
  if (it == files_.end()) {
    files_.erase(target_name);  // an untracked (durable) file now has this name
  } else {
    FileState moved = it->second;
    files_.erase(it);
    moved.entry_durable = true;  // renames are durable at once (see the header)
    files_[target_name] = moved;
  }
  return s;
}

void FaultEnv::DropUnsyncedData() { PowerLoss(/*keep_some=*/false); }

void FaultEnv::KeepSomeUnsyncedData() { PowerLoss(/*keep_some=*/true); }

void FaultEnv::PowerLoss(bool keep_some) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, state] : files_) {
    std::error_code ec;
    if (!std::filesystem::exists(name, ec)) continue;
    if (!state.entry_durable && (!keep_some || NextRandom() % 2 == 0)) {
      std::filesystem::remove(name, ec);
      if (ec) std::abort();  // the simulation must not silently keep a file
      continue;
    }
    const uint64_t real_size = std::filesystem::file_size(name, ec);
    if (ec) std::abort();
    uint64_t keep = state.synced;
    if (keep_some && real_size > state.synced) keep += NextRandom() % (real_size - state.synced + 1);
    if (keep < real_size) {
      std::filesystem::resize_file(name, keep, ec);
      if (ec) std::abort();
    }
  }
  files_.clear();  // what is left is what the disk holds: durable
}

}  // namespace cc::testing
