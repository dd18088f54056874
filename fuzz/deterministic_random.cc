#include "fuzz/deterministic_random.h"

#include <sodium.h>

#include <cstdlib>
#include <cstring>

#include "crypto/hash.h"

namespace cc::fuzz {
namespace {

uint64_t state = 0;

uint64_t Next() {
  // SplitMix64: good enough spread for test keys, and tiny.
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

const char* Name() { return "creditchain-fuzz-deterministic"; }
uint32_t Random() { return static_cast<uint32_t>(Next()); }
void Stir() {}
void Buf(void* const out, const size_t size) {
  auto* p = static_cast<unsigned char*>(out);
  for (size_t i = 0; i < size; i += 8) {
    const uint64_t v = Next();
    std::memcpy(p + i, &v, size - i < 8 ? size - i : 8);
  }
}
int Close() { return 0; }

randombytes_implementation implementation = {Name, Random, Stir, nullptr, Buf, Close};

}  // namespace

void UseDeterministicRandom() {
  if (randombytes_set_implementation(&implementation) != 0) std::abort();
  crypto::InitCrypto();
}

void ReseedRandom(uint64_t seed) { state = seed; }

}  // namespace cc::fuzz
