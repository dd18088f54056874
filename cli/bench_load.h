// The two phases of `creditctl bench` that touch transactions: pre-signing every
// transaction before the clock starts, and submitting the pre-built POST /v1/txs
// bodies at a target rate over keep-alive connections.
//
// Thread safety: each function runs its own threads and joins them before it
// returns; arguments are only read.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cli/bench_network.h"

namespace cc::cli {

using BenchClock = std::chrono::steady_clock;

struct PresignOptions {
  size_t tx_count = 0;
  size_t batch_size = 200;
  uint64_t not_before_ms = 0;
  uint64_t not_after_ms = 0;
  size_t threads = 2;
};

// RecordCreditEvent transactions from the network's members in turn (random subject
// keys, loan references and record hashes, unique nonces, today's date), grouped
// into POST /v1/txs bodies {"txs":["<hex>",...]} of batch_size (the last may be
// shorter). REQUIRES: net.members is not empty.
std::vector<std::string> PresignBatches(const BenchNetwork& net, const PresignOptions& opts);

struct SubmitOptions {
  double rate = 1000;  // transactions per second offered
  size_t batch_size = 200;
  size_t threads = 4;
  std::chrono::milliseconds timeout{30000};
};

struct SubmitResult {
  uint64_t submitted = 0;
  uint64_t accepted = 0;
  std::map<std::string, uint64_t> rejected;  // by error code (admission or HTTP/transport)
  BenchClock::time_point first_send{};
  BenchClock::time_point last_answer{};
  uint64_t connections = 0;
};

// Sends batch k to nodes[k % nodes.size()] no earlier than first_send + k *
// batch_size / rate; when the nodes fall behind, batches go out as fast as they are
// answered. `batch_sizes[k]` is the number of transactions in batches[k].
SubmitResult SubmitBatches(const std::vector<BenchNode>& nodes, const std::string& token,
                           const std::vector<std::string>& batches, const std::vector<size_t>& batch_sizes,
                           const SubmitOptions& opts);

}  // namespace cc::cli
