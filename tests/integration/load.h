// LoadGenerator: a background thread that keeps submitting batches of fresh signed
// transactions (POST /v1/txs) to a set of nodes in turn, skipping the ones marked
// down, and remembers which node admitted each transaction. Transport errors (a
// node killed mid-request) and refusals are counted, never fatal: the tests decide
// what must have happened from what was admitted.
//
// A second, optional mode ("probe") submits single transactions with
// POST /v1/tx?wait=commit and records the ids a node reported committed.
//
// Thread safety: all public methods may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/test_network.h"
#include "tests/integration/tx_factory.h"

namespace cc::integration {

struct LoadOptions {
  size_t batch = 50;                    // transactions per POST /v1/txs
  std::chrono::milliseconds pause{50};  // between batches
  bool probe = false;                   // also run the ?wait=commit prober
  uint32_t probe_timeout_ms = 3000;
};

class LoadGenerator {
 public:
  struct Admitted {
    std::string id;
    size_t node;
  };

  // `targets`: node indexes to submit to. `net` and `factory` must outlive this.
  LoadGenerator(const TestNetwork& net, TxFactory& factory, std::vector<size_t> targets,
                LoadOptions options = {});
  ~LoadGenerator();  // Stop()s

  void Start();
  void Stop();  // joins; idempotent

  // A node marked down is not sent anything until marked up again.
  void SetDown(size_t node, bool down);

  std::vector<Admitted> admitted() const;
  // Ids some node answered "committed" for (?wait=commit answers).
  std::set<std::string> reported_committed() const;
  uint64_t batches_sent() const { return batches_.load(); }
  uint64_t transport_errors() const { return transport_errors_.load(); }
  // Refusal codes of individual transactions, with counts.
  std::map<std::string, uint64_t> refusals() const;
  // Transactions that were submitted but whose fate the caller must not assume
  // (the request failed in transport): their ids.
  std::vector<std::string> unknown_fate() const;

 private:
  void SubmitLoop();
  void ProbeLoop();
  // The next target not marked down, round robin; false if all are down.
  bool NextTarget(size_t* cursor, size_t* node);

  const TestNetwork& net_;
  TxFactory& factory_;
  const std::vector<size_t> targets_;
  const LoadOptions options_;

  mutable std::mutex mu_;
  std::set<size_t> down_;
  std::vector<Admitted> admitted_;
  std::set<std::string> reported_committed_;
  std::map<std::string, uint64_t> refusals_;
  std::vector<std::string> unknown_fate_;

  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> batches_{0};
  std::atomic<uint64_t> transport_errors_{0};
  std::thread submitter_;
  std::thread prober_;
};

}  // namespace cc::integration
