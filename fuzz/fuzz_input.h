// What every harness of fuzz/ shares: the entry points, a reader that turns the
// fuzzer's bytes into structured choices, the matching writer that the seed
// generators use, and the check that turns a broken promise into a crash.
//
// A harness defines LLVMFuzzerTestOneInput (the libFuzzer entry point) and
// FuzzSeeds() (small valid inputs built from real objects, plus a few malformed
// ones). It is linked twice: with libFuzzer (CC_FUZZ builds, <name>_fuzz) and with
// replay_main.cc (every build, <name>_replay), which runs the seeds and every file
// of fuzz/corpus/<name>/ through it as a ctest.
//
// Reader and writer agree on one encoding, so a seed written with FuzzWriter decodes
// into exactly the choices it was written with:
//   U8 / Bool    one byte (Bool: its low bit)
//   U16/U32/U64  big-endian, fixed width
//   Bytes        U16 length, then that many bytes (the reader clamps the length to
//                what is left)
//   Rest         everything left
// An exhausted reader answers zeros and empty strings, never fails: every byte
// string is a valid input.
//
// Thread safety: none; one reader per input.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace cc::fuzz {

// One named seed input; the generator writes it as fuzz/corpus/<harness>/<name>.
using Seed = std::pair<std::string, std::string>;
std::vector<Seed> FuzzSeeds();

// A broken promise of the code under test: report and abort, so libFuzzer keeps
// the input as a crash and the replay ctest fails.
[[noreturn]] inline void Fail(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
  std::abort();
}
#define FUZZ_CHECK(cond)                                      \
  do {                                                        \
    if (!(cond)) ::cc::fuzz::Fail(__FILE__, __LINE__, #cond); \
  } while (0)

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  size_t remaining() const { return size_ - pos_; }

  uint8_t U8() { return empty() ? 0 : data_[pos_++]; }
  bool Bool() { return (U8() & 1) != 0; }
  uint16_t U16() { return static_cast<uint16_t>(Fixed(2)); }
  uint32_t U32() { return static_cast<uint32_t>(Fixed(4)); }
  uint64_t U64() { return Fixed(8); }
  // A value in [0, n). REQUIRES: n > 0.
  uint32_t Below(uint32_t n) { return n <= 256 ? U8() % n : U32() % n; }

  std::string Bytes() {
    const size_t wanted = U16();  // read the length before measuring what is left
    const size_t n = std::min(wanted, remaining());
    std::string out(reinterpret_cast<const char*>(data_ + pos_), n);
    pos_ += n;
    return out;
  }
  std::string Rest() {
    std::string out(reinterpret_cast<const char*>(data_ + pos_), remaining());
    pos_ = size_;
    return out;
  }

 private:
  uint64_t Fixed(int width) {
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) v = (v << 8) | U8();
    return v;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

class FuzzWriter {
 public:
  FuzzWriter& U8(uint8_t v) {
    out_.push_back(static_cast<char>(v));
    return *this;
  }
  FuzzWriter& Bool(bool v) { return U8(v ? 1 : 0); }
  FuzzWriter& U16(uint16_t v) { return Fixed(v, 2); }
  FuzzWriter& U32(uint32_t v) { return Fixed(v, 4); }
  FuzzWriter& U64(uint64_t v) { return Fixed(v, 8); }
  // REQUIRES: bytes.size() <= 65535.
  FuzzWriter& Bytes(std::string_view bytes) {
    if (bytes.size() > 0xffff) std::abort();
    U16(static_cast<uint16_t>(bytes.size()));
    out_.append(bytes);
    return *this;
  }
  FuzzWriter& Rest(std::string_view bytes) {
    out_.append(bytes);
    return *this;
  }
  std::string Take() { return std::move(out_); }

 private:
  FuzzWriter& Fixed(uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) out_.push_back(static_cast<char>(v >> (8 * i)));
    return *this;
  }
  std::string out_;
};

// Runs the harness over one byte string (the seed generators check their seeds
// with it).
inline void RunOne(std::string_view input) {
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
}

}  // namespace cc::fuzz
