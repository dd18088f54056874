// Whole-network checks over the API: wait for heights, wait until every node agrees
// on one tip with nothing left to commit, and read every block of every node to
// compare block hashes height by height and find which transactions each holds.
//
// Deadlines here bound waiting only; no check depends on how fast anything is.
//
// Thread safety: free functions; each uses its own NodeApi clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "tests/integration/test_network.h"

namespace cc::integration {

// Every block of one node from height 1 to `height`.
struct ChainScan {
  std::string node;
  std::vector<std::string> hashes;                      // hashes[h - 1] = header.hash of block h
  std::unordered_map<std::string, uint64_t> tx_height;  // tx id (hex) -> height of its first block
  size_t tx_entries = 0;                                // tx ids over all blocks (with repeats)
};

// Reads blocks 1..height from each node in `nodes`, one thread per node.
Result<std::vector<ChainScan>> ScanChains(const TestNetwork& net, const std::vector<size_t>& nodes,
                                          uint64_t height);

// "" when every scan has the same hash at every height; otherwise the first
// height where two nodes differ, with both hashes.
std::string FirstDivergence(const std::vector<ChainScan>& scans);

// Ids in `ids` that `scan` does not hold (at most `limit` of them).
std::vector<std::string> MissingTxs(const ChainScan& scan, const std::vector<std::string>& ids,
                                    size_t limit = 10);

// Waits until every node in `nodes` reports height >= `target`.
Status WaitForHeight(const TestNetwork& net, const std::vector<size_t>& nodes, uint64_t target,
                     std::chrono::milliseconds timeout);

struct Agreement {
  uint64_t height = 0;
  std::string tip_hash;
};

// Waits until every node in `nodes` reports the same height (> 0) and tip hash with
// an empty mempool, in two consecutive polls 300 ms apart (nothing left in flight).
Result<Agreement> WaitForAgreement(const TestNetwork& net, const std::vector<size_t>& nodes,
                                   std::chrono::milliseconds timeout);

// Heights of `nodes` now (an error if one does not answer).
Result<std::vector<uint64_t>> Heights(const TestNetwork& net, const std::vector<size_t>& nodes);

// 0..n-1: every node of the network; the validators other than `except`.
std::vector<size_t> AllNodes(const TestNetwork& net);
std::vector<size_t> OtherValidators(const TestNetwork& net, size_t except);

}  // namespace cc::integration
