#include "monitor/watchlist.h"

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/hex.h"

namespace cc::monitor {

namespace {

Status Storage(const leveldb::Status& s, const std::string& what) {
  return Status::Error("storage", what + ": " + s.ToString());
}

std::optional<Watchlist::Entry> Decode(const leveldb::Slice& key, const leveldb::Slice& value) {
  auto subject = FromHexSized(std::string_view(key.data(), key.size()), 32);
  if (!subject) return std::nullopt;
  auto j = nlohmann::json::parse(std::string_view(value.data(), value.size()), nullptr, false);
  if (!j.is_object() || !j.contains("note") || !j["note"].is_string() || !j.contains("added_ms") ||
      !j["added_ms"].is_number_unsigned()) {
    return std::nullopt;
  }
  return Watchlist::Entry{*subject, j["note"].get<std::string>(), j["added_ms"].get<uint64_t>()};
}

}  // namespace

Watchlist::Watchlist(std::unique_ptr<leveldb::DB> db, size_t size) : db_(std::move(db)), size_(size) {}
Watchlist::~Watchlist() = default;

Result<std::unique_ptr<Watchlist>> Watchlist::Open(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::Error("storage", path + ": " + ec.message());
  leveldb::Options options;
  options.create_if_missing = true;
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(options, path, &raw);
  if (!s.ok()) return Storage(s, "opening the watchlist " + path);
  std::unique_ptr<leveldb::DB> db(raw);
  size_t count = 0;
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(leveldb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++count;
  if (!it->status().ok()) return Storage(it->status(), "reading the watchlist " + path);
  it.reset();
  return std::unique_ptr<Watchlist>(new Watchlist(std::move(db), count));
}

Result<bool> Watchlist::Add(std::string_view subject_key, std::string_view note, uint64_t now_ms) {
  if (subject_key.size() != 32) return Status::Error("invalid_argument", "subject_key: expected 32 bytes");
  if (note.size() > kMaxNoteBytes) {
    return Status::Error("invalid_argument", "note: at most " + std::to_string(kMaxNoteBytes) + " bytes");
  }
  const std::string key = ToHex(subject_key);
  std::lock_guard<std::mutex> lock(write_mu_);
  std::optional<Entry> existing = Get(subject_key);
  if (!existing && size_ >= kMaxEntries) {
    return Status::Error("watchlist_full",
                         "the watchlist holds " + std::to_string(kMaxEntries) + " subjects");
  }
  const nlohmann::json value{{"note", std::string(note)},
                             {"added_ms", existing ? existing->added_ms : now_ms}};
  leveldb::WriteOptions sync;
  sync.sync = true;
  leveldb::Status s = db_->Put(sync, key, value.dump());
  if (!s.ok()) return Storage(s, "watchlist write");
  if (!existing) ++size_;
  return !existing.has_value();
}

Result<bool> Watchlist::Remove(std::string_view subject_key) {
  if (subject_key.size() != 32) return Status::Error("invalid_argument", "subject_key: expected 32 bytes");
  std::lock_guard<std::mutex> lock(write_mu_);
  if (!Contains(subject_key)) return false;
  leveldb::WriteOptions sync;
  sync.sync = true;
  leveldb::Status s = db_->Delete(sync, ToHex(subject_key));
  if (!s.ok()) return Storage(s, "watchlist delete");
  --size_;
  return true;
}

bool Watchlist::Contains(std::string_view subject_key) const {
  std::string value;
  return db_->Get(leveldb::ReadOptions(), ToHex(subject_key), &value).ok();
}

std::optional<Watchlist::Entry> Watchlist::Get(std::string_view subject_key) const {
  const std::string key = ToHex(subject_key);
  std::string value;
  if (!db_->Get(leveldb::ReadOptions(), key, &value).ok()) return std::nullopt;
  return Decode(key, value);
}

std::vector<Watchlist::Entry> Watchlist::List(std::string_view after, size_t limit) const {
  std::vector<Entry> out;
  std::unique_ptr<leveldb::Iterator> it(db_->NewIterator(leveldb::ReadOptions()));
  if (after.empty()) {
    it->SeekToFirst();
  } else {
    const std::string start = ToHex(after);
    it->Seek(start);
    if (it->Valid() && it->key().ToString() == start) it->Next();
  }
  for (; it->Valid() && out.size() < limit; it->Next()) {
    if (auto e = Decode(it->key(), it->value())) out.push_back(std::move(*e));
  }
  return out;
}

size_t Watchlist::size() const {
  std::lock_guard<std::mutex> lock(write_mu_);
  return size_;
}

}  // namespace cc::monitor
