// The state seam of contracts/: how execution and the read side see the state.
//
// contracts/ owns this interface (the consumer owns its seams); node/ adapts
// ledger::Ledger::GetState / ScanState to it. MemoryState is the in-memory
// implementation for tests and tools; Overlay layers uncommitted writes over any
// reader so that, inside a block, later transactions see what earlier ones wrote.
//
// StateWrites has the same shape as ledger::StateWrites (key -> value, or key ->
// nullopt to delete), so the node hands an ExecuteBlock result straight to
// Ledger::Append without contracts/ depending on the ledger library.
//
// Thread safety: StateReader implementations must allow concurrent const calls
// (MemoryState and Overlay do when nobody mutates them). Mutators are not
// thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cc::contracts {

using StateWrite = std::pair<std::string, std::optional<std::string>>;
using StateWrites = std::vector<StateWrite>;
using StateEntries = std::vector<std::pair<std::string, std::string>>;

class StateReader {
 public:
  virtual ~StateReader() = default;
  // The value stored under `key`, or nullopt.
  virtual std::optional<std::string> Get(std::string_view key) const = 0;
  // Entries whose key starts with `prefix`, in ascending byte order of key, at
  // most `limit` of them.
  virtual StateEntries Scan(std::string_view prefix, size_t limit) const = 0;
};

// A plain ordered map. Apply() installs a block's writes.
class MemoryState final : public StateReader {
 public:
  std::optional<std::string> Get(std::string_view key) const override;
  StateEntries Scan(std::string_view prefix, size_t limit) const override;

  void Apply(const StateWrites& writes);
  size_t size() const { return entries_.size(); }
  const std::map<std::string, std::string, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, std::string, std::less<>> entries_;
};

// Uncommitted changes over a base reader. Reads see the changes first. The base
// is borrowed and must outlive the overlay and must not change while it is used.
class Overlay final : public StateReader {
 public:
  explicit Overlay(const StateReader& base) : base_(base) {}
  // Not copyable: `Overlay child(parent)` must layer over `parent`, never copy it (a
  // copy made every transaction cost O(changes in the block): quadratic blocks).
  // Layer through a StateReader reference: Overlay child(static_cast<const
  // StateReader&>(parent)).
  Overlay(const Overlay&) = delete;
  Overlay& operator=(const Overlay&) = delete;

  std::optional<std::string> Get(std::string_view key) const override;
  StateEntries Scan(std::string_view prefix, size_t limit) const override;

  void Put(std::string key, std::string value);
  void Delete(std::string key);
  // Moves every change of `child` into this one and leaves `child` empty.
  // REQUIRES: child's base is this overlay (aborts otherwise).
  void Absorb(Overlay& child);

  // The changes as writes, in ascending key order.
  StateWrites Writes() const;
  size_t change_count() const { return changes_.size(); }

 private:
  const StateReader& base_;
  std::map<std::string, std::optional<std::string>, std::less<>> changes_;
};

}  // namespace cc::contracts
