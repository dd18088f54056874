// Watchlist: the subject keys this member watches for post-loan monitoring
// (DESIGN.md "Watchlists and alerts").
//
// The list is private to this member's node: it never goes on the ledger (it would
// tell the alliance whom the member lends to). It lives in its own small LevelDB
// under the node's data directory (data_dir/local/watchlist); every change is a
// synced write, so an entry acknowledged to the API survives a crash.
//
// Keys are the subject keys' lower-case hex; values are {"note", "added_ms"} JSON.
// At most kMaxEntries subjects, notes at most kMaxNoteBytes (codes "watchlist_full",
// "invalid_argument"). Storage failures are code "storage".
//
// Thread safety: all methods are thread-safe (writes are serialized by a mutex;
// reads go to LevelDB, which is thread-safe).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace leveldb {
class DB;
}

namespace cc::monitor {

class Watchlist {
 public:
  static constexpr size_t kMaxEntries = 1'000'000;
  static constexpr size_t kMaxNoteBytes = 256;

  struct Entry {
    std::string subject_key;  // 32 raw bytes
    std::string note;
    uint64_t added_ms = 0;
  };

  // Opens (creating if needed) the watchlist database in directory `path`.
  static Result<std::unique_ptr<Watchlist>> Open(const std::string& path);
  ~Watchlist();
  Watchlist(const Watchlist&) = delete;
  Watchlist& operator=(const Watchlist&) = delete;

  // Adds `subject_key` (32 bytes) or replaces its note. Returns true when it was
  // not watched before. A replaced entry keeps its added_ms.
  Result<bool> Add(std::string_view subject_key, std::string_view note, uint64_t now_ms);
  // Returns true when it was watched.
  Result<bool> Remove(std::string_view subject_key);
  bool Contains(std::string_view subject_key) const;
  std::optional<Entry> Get(std::string_view subject_key) const;
  // Entries in subject-key order, starting after `after` (32 bytes, or "" for the
  // first page), at most `limit`.
  std::vector<Entry> List(std::string_view after, size_t limit) const;
  size_t size() const;

 private:
  explicit Watchlist(std::unique_ptr<leveldb::DB> db, size_t size);

  std::unique_ptr<leveldb::DB> db_;
  mutable std::mutex write_mu_;
  size_t size_;  // guarded by write_mu_
};

}  // namespace cc::monitor
