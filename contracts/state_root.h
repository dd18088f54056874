// The state root: a cheap, deterministic commitment to the state after a block.
//
//   root(h) = BLAKE2b-256( bytes "creditchain/state/v1", bytes root(h-1), u64 h,
//                          u32 count, count × (bytes key, u8 present, bytes value) )
//
// over the block's writes sorted by key (a deletion is present = 0 with an empty
// value), in the canonical encoding of docs/encoding.md. root(0) is the root of the
// genesis writes over 32 zero bytes.
//
// This is a hash chain of state *changes*, not a Merkle tree of the state: root(h)
// commits to the genesis state and every block's writes up to h, hence to the whole
// state at h (replaying the writes reproduces it), but it cannot prove a single key
// without that history. That is enough for what CreditChain needs today: validators
// must agree on execution (a divergent node computes a different root and its block
// hash differs), `creditctl verify` recomputes it, and query proofs are proofs of
// *transactions* (Merkle path + certified header), not of state entries. A
// Merkle-Patricia state tree can replace this behind the same function when
// state proofs are wanted; it costs a tree update per write, which this avoids.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "contracts/state_reader.h"

namespace cc::contracts {

inline constexpr std::string_view kStateRootTag = "creditchain/state/v1";

// REQUIRES: no key appears twice in `writes`. The writes need not be sorted.
std::string ComputeStateRoot(std::string_view prev_root, uint64_t height, const StateWrites& writes);

// 32 zero bytes: the prev_root of the genesis writes.
std::string ZeroRoot();

}  // namespace cc::contracts
