// TestNetwork: a real CreditChain network of creditd processes on 127.0.0.1.
//
// Create() makes a temporary folder, links the build's creditd and creditctl into
// DIR/bin (so a concurrent relink cannot change them mid-test), runs the real
// `creditctl network init` into
// DIR/net on a base port P such that P..P+n-1 (P2P) and P+100..P+100+n-1 (HTTP) were
// free when probed, and rewrites each node's "consensus" section for faster tests
// (shorter view-change timeout). Nodes are then started, killed (SIGKILL), stopped
// (SIGTERM) and restarted individually; each node's stdout/stderr is appended to
// DIR/logs/<name>.log across restarts. Node i: validators 0..v-1 are "validator-i"
// (validator index i), then the observers.
//
// The destructor SIGKILLs every node still running and deletes the folder, unless
// KeepFolder() was called (the fixture does so when a test failed) or
// CC_INTEGRATION_KEEP=1 is set. See process.h for how nodes
// are also killed when the test binary itself dies.
//
// Thread safety: Start/Kill/Terminate/Restart from the thread that created the
// network (the children's death signal follows it); everything else (node info,
// Api(), LogTail) from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cli/bench_network.h"
#include "common/status.h"
#include "tests/integration/node_api.h"
#include "tests/support/process.h"

namespace cc::integration {

// Child processes come from tests/support/process.h.
using cc::testing::ChildProcess;
using cc::testing::CommandResult;
using cc::testing::ExitInfo;
using cc::testing::RunCommand;

struct NetworkOptions {
  size_t validators = 4;
  size_t observers = 1;
  // Consensus tuning written into every node config (node/config.h).
  uint32_t tick_ms = 10;
  uint32_t view_change_timeout_ticks = 100;
  // If set, node i runs as `launch_prefix(i)... creditd --config ...` (e.g. `ip netns
  // exec NS`, which execs creditd in place, so the pid stays the node's). The first
  // word is an absolute path.
  std::function<std::vector<std::string>(size_t node)> launch_prefix;
};

struct NodeInfo {
  std::string name;
  bool validator = false;
  uint16_t p2p_port = 0;
  uint16_t http_port = 0;
  std::string config_path;
  std::string data_dir;
  std::string log_path;
  std::string key_file;
};

class TestNetwork {
 public:
  static Result<std::unique_ptr<TestNetwork>> Create(const NetworkOptions& options = {});
  ~TestNetwork();
  TestNetwork(const TestNetwork&) = delete;
  TestNetwork& operator=(const TestNetwork&) = delete;

  size_t size() const { return nodes_.size(); }
  size_t validators() const { return validators_; }
  const NodeInfo& node(size_t i) const { return nodes_[i]; }
  const std::string& dir() const { return dir_; }          // the temporary folder
  const std::string& net_dir() const { return net_dir_; }  // what network init wrote
  const std::string& chain_id() const { return bench_.chain_id; }
  const std::string& writer_token() const { return bench_.token; }
  const std::vector<cli::BenchMember>& members() const { return bench_.members; }
  // The binaries this network runs (links to the build tree's, see Create).
  const std::string& creditd() const { return creditd_; }
  const std::string& creditctl() const { return creditctl_; }
  // Genesis validator public keys, hex, in validator index order.
  const std::vector<std::string>& validator_keys() const { return validator_keys_; }

  // Starts node i (REQUIRES: not running).
  Status Start(size_t i);
  Status StartAll();
  // Started and not yet reaped (it may have died since: see Alive).
  bool running(size_t i) const { return procs_[i]->running(); }
  // Running and has not exited (reaps it if it has).
  bool Alive(size_t i) { return procs_[i]->running() && !procs_[i]->Poll(); }
  // SIGKILL; returns how it ended.
  ExitInfo Kill(size_t i);
  // SIGTERM and wait up to `timeout`; error "timeout" (the node is then SIGKILLed)
  // or "exit" if the node did not exit with status 0.
  Status Terminate(size_t i, std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Polls /readyz until 200. Fails early, with the log tail, if the process exits.
  Status WaitReady(size_t i, std::chrono::milliseconds timeout = std::chrono::seconds(60));
  Status WaitAllReady(std::chrono::milliseconds timeout = std::chrono::seconds(60));

  // A client of node i's API with the writer token (which may also read).
  std::unique_ptr<NodeApi> Api(size_t i) const;

  // Leave the folder (configs, logs, data) on disk after destruction.
  void KeepFolder() { keep_folder_ = true; }

  // The last `lines` lines of node i's log; all nodes' tails with headers.
  std::string LogTail(size_t i, size_t lines = 40) const;
  std::string AllLogTails(size_t lines = 40) const;

  // A base port P with P..P+nodes-1 and P+100..P+100+nodes-1 free when probed,
  // preferring ports below the kernel's ephemeral range.
  static Result<uint16_t> PickBasePort(size_t nodes);

 private:
  TestNetwork() = default;
  Status Init(const NetworkOptions& options);

  std::string dir_;
  std::string net_dir_;
  std::string creditd_;
  std::string creditctl_;
  size_t validators_ = 0;
  bool keep_folder_ = false;
  std::function<std::vector<std::string>(size_t)> launch_prefix_;
  cli::BenchNetwork bench_;
  std::vector<std::string> validator_keys_;
  std::vector<NodeInfo> nodes_;
  std::vector<std::unique_ptr<ChildProcess>> procs_;
};

}  // namespace cc::integration
