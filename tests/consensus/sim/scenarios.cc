#include "tests/consensus/sim/scenarios.h"

#include <string_view>

#include "tests/consensus/sim/sim_rng.h"
#include "tests/consensus/sim/sim_runner.h"

namespace cc::sim {

namespace {

uint64_t NameHash(std::string_view name) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

// The shape every scenario starts from; `shape` then draws the scenario's own faults.
ScenarioConfig Base(const char* name, uint64_t seed, Rng& shape) {
  ScenarioConfig c;
  c.name = name;
  c.seed = seed;
  c.n = ValidatorsFor(seed);
  c.trace = TraceRequested();
  c.max_batch_requests = static_cast<uint32_t>(shape.Uniform(1, 3));
  c.batch_timeout_ticks = static_cast<uint32_t>(shape.Uniform(1, 2));
  c.max_inflight = static_cast<uint32_t>(shape.Uniform(1, 4));
  c.requests = static_cast<uint32_t>(shape.Uniform(3, 8));
  c.submit_until = shape.Uniform(5, 120);
  c.faults.min_delay = 1;
  c.faults.max_delay = static_cast<uint32_t>(shape.Uniform(1, 5));
  c.faults.duplicate = shape.Real(0, 0.1);
  c.max_execution_lag = static_cast<uint32_t>(shape.Uniform(0, 2));
  c.prune_records = shape.Chance(0.5);
  return c;
}

Rng ShapeRng(const char* name, uint64_t seed) { return Rng(seed * 1000003 ^ NameHash(name)); }

// `count` distinct replicas, drawn at random.
std::vector<uint32_t> Pick(Rng& shape, uint32_t n, uint32_t count) {
  std::vector<uint32_t> all;
  for (uint32_t r = 0; r < n; ++r) all.push_back(r);
  shape.Shuffle(all);
  all.resize(count);
  return all;
}

uint32_t F(const ScenarioConfig& c) { return (c.n - 1) / 3; }

}  // namespace

ScenarioConfig DropsDelaysReorderingScenario(uint64_t seed) {
  Rng shape = ShapeRng("DropsDelaysReordering", seed);
  ScenarioConfig c = Base("DropsDelaysReordering", seed, shape);
  c.faults.drop = shape.Real(0.02, 0.3);
  c.faults.max_delay = static_cast<uint32_t>(shape.Uniform(1, 10));
  c.faults.duplicate = shape.Real(0, 0.2);
  c.gst = shape.Uniform(50, 400);
  c.submit_until = shape.Uniform(5, 300);
  c.submit_to = static_cast<SubmitTo>(shape.Uniform(0, 2));
  c.resubmit_committed = 0.3;
  return c;
}

ScenarioConfig PartitionsScenario(uint64_t seed) {
  Rng shape = ShapeRng("Partitions", seed);
  ScenarioConfig c = Base("Partitions", seed, shape);
  c.gst = shape.Uniform(150, 500);
  c.submit_until = shape.Uniform(5, c.gst);
  c.faults.drop = shape.Real(0, 0.05);
  const uint64_t count = shape.Uniform(1, 3);
  for (uint64_t i = 0; i < count; ++i) {
    PartitionPlan p;
    p.start = shape.Uniform(0, c.gst - 50);
    p.end = shape.Uniform(p.start + 20, c.gst);
    const uint32_t groups = static_cast<uint32_t>(shape.Uniform(2, 3));
    for (uint32_t r = 0; r < c.n; ++r)
      p.group_of.push_back(static_cast<uint32_t>(shape.Uniform(0, groups - 1)));
    c.partitions.push_back(std::move(p));
  }
  return c;
}

ScenarioConfig CrashRestartScenario(uint64_t seed) {
  Rng shape = ShapeRng("CrashRestart", seed);
  ScenarioConfig c = Base("CrashRestart", seed, shape);
  c.gst = shape.Uniform(150, 500);
  c.submit_until = shape.Uniform(5, c.gst);
  c.faults.drop = shape.Real(0, 0.05);
  if (shape.Chance(0.2)) {
    // The whole network goes down at once and comes back from disk.
    const uint64_t at = shape.Uniform(10, c.gst - 40);
    const uint64_t restart = shape.Uniform(at + 1, c.gst);
    for (uint32_t r = 0; r < c.n; ++r) c.crashes.push_back({r, at, restart, shape.Chance(0.5)});
    return c;
  }
  const uint64_t count = shape.Uniform(1, c.n);
  std::vector<uint64_t> busy_until(c.n, 0);
  for (uint64_t i = 0; i < count; ++i) {
    const uint32_t r = static_cast<uint32_t>(shape.Uniform(0, c.n - 1));
    if (busy_until[r] + 20 >= c.gst) continue;
    CrashPlan plan;
    plan.replica = r;
    plan.at = shape.Uniform(busy_until[r] + 1, c.gst - 20);
    plan.restart_at = shape.Uniform(plan.at + 1, c.gst);
    plan.torn = shape.Chance(0.5);
    busy_until[r] = plan.restart_at;
    c.crashes.push_back(plan);
  }
  return c;
}

ScenarioConfig LaggingReplicaScenario(uint64_t seed) {
  Rng shape = ShapeRng("LaggingReplica", seed);
  ScenarioConfig c = Base("LaggingReplica", seed, shape);
  const uint32_t lagger = static_cast<uint32_t>(shape.Uniform(0, c.n - 1));
  const uint64_t heal = shape.Uniform(250, 400);
  c.gst = heal;
  c.max_batch_requests = 1;  // one request per sequence: many checkpoints
  c.requests = static_cast<uint32_t>(shape.Uniform(9, 12));
  c.submit_until = 60;
  // Traffic after healing, so new checkpoints tell the lagger how far behind it is.
  c.late_requests = static_cast<uint32_t>(shape.Uniform(c.checkpoint_interval + 1, 6));
  c.late_from = heal + 5;
  c.late_until = heal + 100;
  c.corrupt_fetch = 0.3;
  // Node-level sync starts only after the late traffic: until then the lagger must
  // notice the gap from consensus messages (checkpoints) and fetch by itself.
  c.status_start_tick = heal + 150;
  if (shape.Chance(0.5)) {
    PartitionPlan p;
    p.start = 0;
    p.end = heal;
    p.group_of.assign(c.n, 0);
    p.group_of[lagger] = 1;
    c.partitions.push_back(std::move(p));
  } else {
    c.crashes.push_back({lagger, shape.Uniform(0, 40), heal, shape.Chance(0.5)});
  }
  return c;
}

namespace {
// Requests spread over [0, until], so timers run throughout.
void SteadyLoad(ScenarioConfig& c, Rng& shape, uint64_t until) {
  c.requests = static_cast<uint32_t>(shape.Uniform(until / 20, until / 10));
  c.submit_from = 0;
  c.submit_until = until;
}
}  // namespace

ScenarioConfig FastClockScenario(uint64_t seed) {
  Rng shape = ShapeRng("FastClock", seed);
  ScenarioConfig c = Base("FastClock", seed, shape);
  const uint32_t fast = static_cast<uint32_t>(shape.Uniform(0, c.n - 1));
  c.clock_rate[fast] = static_cast<uint32_t>(shape.Uniform(2, 4));
  c.gst = shape.Uniform(300, 700);
  SteadyLoad(c, shape, c.gst);
  c.faults.drop = shape.Real(0, 0.05);
  return c;
}

ScenarioConfig PrimaryOutagesScenario(uint64_t seed) {
  Rng shape = ShapeRng("PrimaryOutages", seed);
  ScenarioConfig c = Base("PrimaryOutages", seed, shape);
  const uint64_t timeout = c.view_change_timeout_ticks;
  const uint64_t outages = shape.Uniform(3, 6);
  uint64_t t = shape.Uniform(20, 60);
  for (uint64_t i = 0; i < outages; ++i) {
    const double factor = shape.Chance(0.5) ? shape.Real(0.5, 0.95) : shape.Real(1.05, 2.0);
    CrashPlan plan;
    plan.current_primary = true;
    plan.at = t;
    plan.restart_at = t + std::max<uint64_t>(1, static_cast<uint64_t>(factor * static_cast<double>(timeout)));
    plan.torn = shape.Chance(0.3);
    c.crashes.push_back(plan);
    t = plan.restart_at + shape.Uniform(10, 3 * timeout);
  }
  c.gst = t;
  SteadyLoad(c, shape, c.gst);
  c.faults.drop = shape.Real(0, 0.03);
  return c;
}

ScenarioConfig ViewChangeRestartsScenario(uint64_t seed) {
  Rng shape = ShapeRng("ViewChangeRestarts", seed);
  ScenarioConfig c = Base("ViewChangeRestarts", seed, shape);
  const uint64_t timeout = c.view_change_timeout_ticks;
  const uint64_t rounds = shape.Uniform(1, 3);
  uint64_t t = shape.Uniform(20, 60);
  for (uint64_t i = 0; i < rounds; ++i) {
    CrashPlan primary;
    primary.current_primary = true;
    primary.at = t;
    primary.restart_at = t + shape.Uniform(timeout + timeout / 2, 4 * timeout);
    c.crashes.push_back(primary);
    // Backups go down around the moment the others' timers fire (the view change
    // is under way) and come back while it may still be.
    const std::vector<uint32_t> backups = Pick(shape, c.n, F(c));
    for (uint32_t r : backups) {
      CrashPlan plan;
      plan.replica = r;
      plan.at = t + timeout + shape.Uniform(0, timeout / 2);
      plan.restart_at = plan.at + shape.Uniform(1, timeout);
      plan.torn = shape.Chance(0.5);
      c.crashes.push_back(plan);
    }
    t = std::max(primary.restart_at, t + 3 * timeout) + shape.Uniform(10, 2 * timeout);
  }
  c.gst = t;
  SteadyLoad(c, shape, c.gst);
  c.faults.drop = shape.Real(0, 0.03);
  return c;
}

ScenarioConfig EquivocatingPrimaryScenario(uint64_t seed) {
  Rng shape = ShapeRng("EquivocatingPrimary", seed);
  ScenarioConfig c = Base("EquivocatingPrimary", seed, shape);
  // Primaries of views 0 (and 1 with f = 2) equivocate; no drops so the witness
  // surely receives both versions.
  for (uint32_t r = 0; r < F(c); ++r) {
    if (r == 0 || shape.Chance(0.5)) {
      c.byzantine[r] =
          shape.Chance(0.5) ? ByzantineKind::kColludingEquivocator : ByzantineKind::kEquivocatingPrimary;
    }
  }
  return c;
}

ScenarioConfig PreparedBatchHoldersCrashScenario(uint64_t seed) {
  Rng shape = ShapeRng("PreparedBatchHoldersCrash", seed);
  ScenarioConfig c = Base("PreparedBatchHoldersCrash", seed, shape);
  c.n = 4;
  c.byzantine[0] = ByzantineKind::kEquivocatingPrimary;
  c.equivocation_alt_group = {1, 2};
  c.equivocation_witness = 3;
  c.requests = static_cast<uint32_t>(shape.Uniform(1, 4));
  c.submit_until = 0;
  c.faults.max_delay = 2;
  c.gst = 250;
  PartitionPlan p;
  p.start = 8;  // after 1 and 2 prepared the first batch
  p.end = 200;
  p.group_of = {0, 1, 1, 0};
  c.partitions.push_back(std::move(p));
  c.crashes.push_back({1, shape.Uniform(15, 30), shape.Uniform(100, 150), shape.Chance(0.5)});
  c.crashes.push_back({2, shape.Uniform(15, 30), shape.Uniform(100, 150), shape.Chance(0.5)});
  return c;
}

ScenarioConfig WrongDigestVoterScenario(uint64_t seed) {
  Rng shape = ShapeRng("WrongDigestVoter", seed);
  ScenarioConfig c = Base("WrongDigestVoter", seed, shape);
  for (uint32_t r : Pick(shape, c.n, F(c))) c.byzantine[r] = ByzantineKind::kWrongDigestVoter;
  c.byzantine_rate = shape.Real(0.3, 1.0);
  c.faults.drop = shape.Real(0, 0.1);
  c.gst = shape.Uniform(0, 200);
  return c;
}

ScenarioConfig ReplayingReplicaScenario(uint64_t seed) {
  Rng shape = ShapeRng("ReplayingReplica", seed);
  ScenarioConfig c = Base("ReplayingReplica", seed, shape);
  const std::vector<uint32_t> order = Pick(shape, c.n, c.n);
  for (uint32_t i = 0; i < F(c); ++i) c.byzantine[order[i]] = ByzantineKind::kReplayer;
  c.byzantine_rate = shape.Real(0.1, 0.8);
  c.faults.drop = shape.Real(0, 0.1);
  c.gst = shape.Uniform(50, 250);
  if (shape.Chance(0.5)) {
    // Replays also hit an honest replica that restarts from its records.
    const uint64_t at = shape.Uniform(0, c.gst - 20);
    c.crashes.push_back({order[F(c)], at, shape.Uniform(at + 1, c.gst), shape.Chance(0.5)});
  }
  return c;
}

ScenarioConfig SilentReplicaScenario(uint64_t seed) {
  Rng shape = ShapeRng("SilentReplica", seed);
  ScenarioConfig c = Base("SilentReplica", seed, shape);
  std::vector<uint32_t> silent = Pick(shape, c.n, F(c));
  if (shape.Chance(0.5)) silent[0] = 0;  // often the first primary
  for (uint32_t r : silent) c.byzantine[r] = ByzantineKind::kSilent;
  c.faults.drop = shape.Real(0, 0.05);
  c.gst = shape.Uniform(0, 150);
  return c;
}

ScenarioConfig WithholdingPrimaryScenario(uint64_t seed) {
  Rng shape = ShapeRng("WithholdingPrimary", seed);
  ScenarioConfig c = Base("WithholdingPrimary", seed, shape);
  c.byzantine[0] = ByzantineKind::kWithholdingPrimary;
  if (F(c) >= 2 && shape.Chance(0.5)) c.byzantine[1] = ByzantineKind::kWithholdingPrimary;
  for (uint32_t i = 0; i < c.requests; ++i) {
    if (shape.Chance(0.5)) c.withheld_requests.insert(i);
  }
  if (c.withheld_requests.empty()) c.withheld_requests.insert(0);
  c.submit_to = shape.Chance(0.3) ? SubmitTo::kRandomSubset : SubmitTo::kAll;
  return c;
}

ScenarioConfig ClientSendsOnceScenario(uint64_t seed) {
  Rng shape = ShapeRng("ClientSendsOnce", seed);
  ScenarioConfig c = Base("ClientSendsOnce", seed, shape);
  c.client_retransmits = false;
  c.submit_to = SubmitTo::kOneBackup;
  c.gst = shape.Uniform(100, 400);
  c.submit_until = shape.Uniform(5, c.gst);
  c.faults.drop = shape.Real(0, 0.2);
  c.faults.max_delay = static_cast<uint32_t>(shape.Uniform(1, 8));
  if (shape.Chance(0.5)) {
    PartitionPlan p;
    p.start = shape.Uniform(0, c.gst - 50);
    p.end = shape.Uniform(p.start + 20, c.gst);
    for (uint32_t r = 0; r < c.n; ++r) p.group_of.push_back(static_cast<uint32_t>(shape.Uniform(0, 1)));
    c.partitions.push_back(std::move(p));
  }
  if (shape.Chance(0.5)) {
    c.byzantine[0] = ByzantineKind::kWithholdingPrimary;
    for (uint32_t i = 0; i < c.requests; ++i) {
      if (shape.Chance(0.5)) c.withheld_requests.insert(i);
    }
  }
  return c;
}

ScenarioConfig MixedFaultsScenario(uint64_t seed) {
  Rng shape = ShapeRng("MixedFaults", seed);
  ScenarioConfig c = Base("MixedFaults", seed, shape);
  c.gst = shape.Uniform(150, 450);
  c.submit_until = shape.Uniform(5, c.gst);
  c.submit_to = static_cast<SubmitTo>(shape.Uniform(0, 2));
  c.faults.drop = shape.Real(0, 0.15);
  c.faults.max_delay = static_cast<uint32_t>(shape.Uniform(1, 8));
  c.corrupt_fetch = 0.2;
  c.resubmit_committed = 0.2;
  c.byzantine_rate = shape.Real(0.1, 0.9);
  const std::vector<uint32_t> order = Pick(shape, c.n, c.n);
  const uint32_t byzantine = static_cast<uint32_t>(shape.Uniform(0, F(c)));
  for (uint32_t i = 0; i < byzantine; ++i) {
    c.byzantine[order[i]] = static_cast<ByzantineKind>(shape.Uniform(0, 5));
  }
  for (uint32_t i = 0; i < c.requests; ++i) {
    if (shape.Chance(0.3)) c.withheld_requests.insert(i);
  }
  if (shape.Chance(0.5)) {
    PartitionPlan p;
    p.start = shape.Uniform(0, c.gst - 50);
    p.end = shape.Uniform(p.start + 20, c.gst);
    for (uint32_t r = 0; r < c.n; ++r) p.group_of.push_back(static_cast<uint32_t>(shape.Uniform(0, 1)));
    c.partitions.push_back(std::move(p));
  }
  const uint64_t crashes = shape.Uniform(0, 2);
  for (uint64_t i = 0; i < crashes && byzantine + i < c.n; ++i) {
    const uint64_t at = shape.Uniform(0, c.gst - 20);
    c.crashes.push_back({order[byzantine + i], at, shape.Uniform(at + 1, c.gst), shape.Chance(0.5)});
  }
  return c;
}

ScenarioConfig BrokenCommitQuorumScenario(uint64_t seed) {
  Rng shape = ShapeRng("BrokenCommitQuorum", seed);
  ScenarioConfig c = Base("BrokenCommitQuorum", seed, shape);
  c.n = 4;
  c.byzantine[0] = ByzantineKind::kColludingEquivocator;
  c.honest_commit_quorum_2f = true;
  c.check_certificates = false;  // certificates of 2f votes are the experiment
  c.faults.drop = shape.Real(0.1, 0.4);
  c.gst = shape.Uniform(100, 300);
  c.check_liveness = false;
  c.max_ticks = c.gst + 600;
  return c;
}

}  // namespace cc::sim
