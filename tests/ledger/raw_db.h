// RawDb: opens a ledger's LevelDB directory with the LevelDB API directly, so tests
// can damage stored values the way a faulty disk or an attacker with file access
// would (the ledger must be closed meanwhile: LevelDB locks its directory).
#pragma once

#include <leveldb/db.h>

#include <memory>
#include <optional>
#include <string>

namespace cc::ledger::testing {

class RawDb {
 public:
  explicit RawDb(const std::string& path, bool create_if_missing = false) {
    leveldb::Options options;
    options.create_if_missing = create_if_missing;
    leveldb::DB* raw = nullptr;
    status_ = leveldb::DB::Open(options, path, &raw);
    db_.reset(raw);
  }
  bool ok() const { return status_.ok(); }
  std::string error() const { return status_.ToString(); }

  std::optional<std::string> Get(const std::string& key) const {
    std::string v;
    if (!db_->Get(leveldb::ReadOptions(), key, &v).ok()) return std::nullopt;
    return v;
  }
  bool Put(const std::string& key, const std::string& value) {
    leveldb::WriteOptions w;
    w.sync = true;
    return db_->Put(w, key, value).ok();
  }
  bool Delete(const std::string& key) {
    leveldb::WriteOptions w;
    w.sync = true;
    return db_->Delete(w, key).ok();
  }

 private:
  leveldb::Status status_;
  std::unique_ptr<leveldb::DB> db_;
};

}  // namespace cc::ledger::testing
