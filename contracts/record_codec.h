// Generic encoding of the records of contracts/records.h, and typed state access.
//
// A record type T declares `static constexpr std::string_view kTag` and
// `template <class V, class R> static void Fields(V& v, R& r)` calling v(field) for
// each field in order. Encode writes the tag then the fields with CanonicalWriter
// (strings as bytes, integers fixed-width, enums as u32, bool as u8, optional as a
// presence byte then the value, vector as a u32 count then the items, array as its
// items, nested records as their fields). Decode reads exactly that back and
// refuses short input, trailing bytes and a foreign tag. Fields() drives both
// directions, so they cannot drift apart.
//
// State is written only by this library. A stored value that does not decode means
// the store is corrupt; Load() then aborts loudly, since no node can execute or
// answer past a state it cannot read.
//
// Thread safety: pure functions and values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "common/canonical.h"
#include "contracts/codec.h"
#include "contracts/state_reader.h"

namespace cc::contracts {

namespace internal {

class FieldWriter {
 public:
  explicit FieldWriter(std::string_view tag) : w_(tag) {}
  void operator()(const std::string& v) { w_.Bytes(v); }
  void operator()(uint8_t v) { w_.U8(v); }
  void operator()(uint32_t v) { w_.U32(v); }
  void operator()(uint64_t v) { w_.U64(v); }
  void operator()(bool v) { w_.Bool(v); }
  template <class E>
  requires std::is_enum_v<E>
  void operator()(E v) { w_.U32(static_cast<uint32_t>(v)); }
  template <class T>
  void operator()(const std::optional<T>& v) {
    w_.Bool(v.has_value());
    if (v) (*this)(*v);
  }
  template <class T>
  void operator()(const std::vector<T>& v) {
    w_.U32(static_cast<uint32_t>(v.size()));
    for (const auto& item : v) (*this)(item);
  }
  template <class T, size_t N>
  void operator()(const std::array<T, N>& v) {
    for (const auto& item : v) (*this)(item);
  }
  template <class T>
  requires(std::is_class_v<T> && !std::is_same_v<T, std::string>) void operator()(const T& v) {
    T::Fields(*this, v);
  }
  std::string Take() { return w_.Take(); }

 private:
  CanonicalWriter w_;
};

class FieldReader {
 public:
  FieldReader(std::string_view data, std::string_view tag) : r_(data, tag) {}
  void operator()(std::string& v) { v = r_.Bytes(); }
  void operator()(uint8_t& v) { v = r_.U8(); }
  void operator()(uint32_t& v) { v = r_.U32(); }
  void operator()(uint64_t& v) { v = r_.U64(); }
  void operator()(bool& v) { v = r_.Bool(); }
  template <class E>
  requires std::is_enum_v<E>
  void operator()(E& v) { v = static_cast<E>(r_.U32()); }
  template <class T>
  void operator()(std::optional<T>& v) {
    if (r_.Bool()) {
      T item{};
      (*this)(item);
      v = std::move(item);
    } else {
      v.reset();
    }
  }
  template <class T>
  void operator()(std::vector<T>& v) {
    const uint32_t n = r_.U32();
    if (n > r_.remaining()) {  // every item takes at least one byte
      r_.Fail();
      return;
    }
    v.assign(n, T{});
    for (auto& item : v) (*this)(item);
  }
  template <class T, size_t N>
  void operator()(std::array<T, N>& v) {
    for (auto& item : v) (*this)(item);
  }
  template <class T>
  requires(std::is_class_v<T> && !std::is_same_v<T, std::string>) void operator()(T& v) {
    T::Fields(*this, v);
  }
  bool Finish() const { return r_.Finish(); }

 private:
  ByteReader r_;
};

}  // namespace internal

template <class T>
std::string Encode(const T& record) {
  internal::FieldWriter w(T::kTag);
  T::Fields(w, record);
  return w.Take();
}

template <class T>
std::optional<T> Decode(std::string_view bytes) {
  internal::FieldReader r(bytes, T::kTag);
  T record{};
  T::Fields(r, record);
  if (!r.Finish()) return std::nullopt;
  return record;
}

// Aborts with the key named: the store holds bytes this library never wrote.
[[noreturn]] void CorruptState(std::string_view key);

// The record under `key`, nullopt when absent. Aborts on undecodable bytes.
template <class T>
std::optional<T> Load(const StateReader& state, std::string_view key) {
  std::optional<std::string> raw = state.Get(key);
  if (!raw) return std::nullopt;
  std::optional<T> record = Decode<T>(*raw);
  if (!record) CorruptState(key);
  return record;
}

template <class T>
void Store(Overlay& state, const std::string& key, const T& record) {
  state.Put(key, Encode(record));
}

}  // namespace cc::contracts
