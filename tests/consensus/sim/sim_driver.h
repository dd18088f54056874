// Simulation: the driver behind RunSimulation (simulation.h). Private to the
// harness; split over simulation.cc (the step loop and Output handling) and
// sim_services.cc (clients, crash plans, block sync, record pruning, reports).
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tests/consensus/sim/byzantine.h"
#include "tests/consensus/sim/sim_checker.h"
#include "tests/consensus/sim/sim_crypto.h"
#include "tests/consensus/sim/sim_ledger.h"
#include "tests/consensus/sim/sim_network.h"
#include "tests/consensus/sim/simulation.h"

namespace cc::sim::internal {

inline constexpr uint64_t kEpochMs = 1'700'000'000'000;
inline constexpr char kChainId[] = "creditchain-sim";

struct Node {
  std::unique_ptr<consensus::Replica> replica;  // null while crashed
  uint64_t incarnation = 0;
  std::vector<pb::ReplicaRecord> persisted;  // durable
  SimLedger ledger;                          // durable
  std::unique_ptr<SimSigner> signer;
  std::unique_ptr<SimVerifier> verifier;
  std::unique_ptr<ByzantineBehaviour> byzantine;
  uint64_t exec_ready_at = 0;  // keeps ExecutedEvents in sequence order
  bool torn_armed = false;
  uint64_t sync_busy_until = 0;      // node-level sync: one request at a time
  uint64_t participation_floor = 0;  // ledger height when the participation phase began
  ReplicaSummary summary;
};

struct ClientRequest {
  std::string bytes;
  std::string id;
  uint64_t submit_at = 0;
  std::vector<uint32_t> targets;
  uint64_t next_retry = 0;
  uint32_t acks = 0;  // honest replicas that executed it
  bool resubmitted = false;
};

class Simulation {
 public:
  explicit Simulation(const ScenarioConfig& config);
  RunResult Run();

 private:
  consensus::Config ConfigFor(uint32_t r) const;
  void Start(uint32_t r);
  void Crash(uint32_t r, const char* why);
  void ApplyCrashPlans();
  void SubmitRequests();
  void Deliver(Envelope e);
  void Step(uint32_t r, const consensus::Event& event, Envelope::Kind via);
  void HandleOutput(uint32_t r, consensus::Output out, Envelope::Kind via);
  void SendFrom(uint32_t from, std::optional<uint32_t> to, const pb::ConsensusMessage& m);
  static void PruneRecords(Node& node, uint64_t stable);
  void ServeFetch(uint32_t r, const consensus::FetchRequest& req);
  void AnnounceStatus();
  void OnStatus(const Envelope& e);
  // Sends blocks [from, to] of `server`'s ledger to `r` (if the link works).
  void ServeBlocks(uint32_t r, uint32_t server, uint64_t from, uint64_t to, Envelope::Kind kind);
  pb::CertifiedBlock Tamper(pb::CertifiedBlock block);
  ByzantineContext ContextFor(uint32_t r);
  bool AllCommitted() const;
  std::string LivenessReport() const;
  // Participation phase (ScenarioConfig::check_participation).
  void BeginParticipation();
  void SendProbe();
  bool AllParticipating() const;
  std::string ParticipationReport() const;
  // The view most live honest replicas are in (ties: the highest) and its primary.
  uint32_t CurrentPrimary() const;
  void AddRequest(ClientRequest req);
  void Fail(const std::string& what);
  void RecordGst();
  bool honest(uint32_t r) const { return !nodes_[r].byzantine; }
  uint64_t now_ms() const { return kEpochMs + now_ * config_.ms_per_tick; }
  void Trace(const char* fmt, ...) const __attribute__((format(printf, 2, 3)));

  ScenarioConfig config_;
  uint32_t f_;
  Rng rng_;       // network faults
  Rng misc_rng_;  // clients, execution lag, fetch service, tick order
  Rng byz_rng_;   // Byzantine behaviours
  std::vector<crypto::KeyPair> keys_;
  std::vector<std::string> public_keys_;
  VerifyCache cache_;
  SimVerifier checker_verifier_;
  SafetyChecker checker_;
  SimNetwork network_;
  std::vector<Node> nodes_;
  std::vector<bool> byzantine_flags_;
  std::vector<ClientRequest> requests_;
  std::unordered_map<std::string, size_t> request_index_;
  uint64_t now_ = 0;
  uint64_t liveness_deadline_ = 0;
  std::optional<uint64_t> participation_since_;
  uint64_t probes_ = 0;
  std::vector<std::optional<uint32_t>> crash_target_;  // per crash plan: resolved replica
  bool failed_ = false;
  RunResult result_;
};

}  // namespace cc::sim::internal
