// A seeded random source for libsodium, for the P2P harnesses: the handshake draws
// ephemeral keys (and the transport its boot id) from libsodium, and a harness
// whose inputs decrypt differently on every run could not replay a crash. Only the
// fuzz programs install it; nothing in the node ever does.
//
// Thread safety: none (the harnesses run one input at a time on one thread).
#pragma once

#include <cstdint>

namespace cc::fuzz {

// Installs the generator as libsodium's random source. REQUIRES: called before the
// first sodium_init (crypto::InitCrypto), i.e. from LLVMFuzzerInitialize.
void UseDeterministicRandom();
// Restarts the sequence, so each input sees the same random bytes.
void ReseedRandom(uint64_t seed);

}  // namespace cc::fuzz
