// The seeded scenarios of the PBFT simulation: each maps a seed to a ScenarioConfig
// (validator count from the seed, see ValidatorsFor, fault shape drawn from the seed), so a
// failing seed replays exactly. Shared by the tests and the benchmark.
//
// Common shape: checkpoint interval 4, watermark window 16, 1-3 requests per batch,
// up to 4 batches in flight, 3-8 client requests, delays of 1-5 ticks with some
// duplication, view-change timer 40 ticks, liveness bound 2000 ticks after GST.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>

#include "tests/consensus/sim/simulation.h"

namespace cc::sim {

// Random drops (up to 30%), delays up to 10 ticks, duplication and reordering
// until GST; requests sent to all, a subset or one replica; clients re-send some
// committed requests (duplicates).
ScenarioConfig DropsDelaysReorderingScenario(uint64_t seed);
// One to three overlapping partitions into 2-3 groups, all healed by GST.
ScenarioConfig PartitionsScenario(uint64_t seed);
// Replicas crash (some "torn": after persisting, before sending; sometimes all at
// once) and restart from their records and executed ledger.
ScenarioConfig CrashRestartScenario(uint64_t seed);
// One replica is cut off (partitioned or crashed) while the others commit several
// checkpoints; after healing it must catch up by block sync, refusing tampered
// blocks some peers serve first.
ScenarioConfig LaggingReplicaScenario(uint64_t seed);

// View synchronization (issue 9): no honest replica may be left alone in a view.
// Every one of these runs under a steady load from start to GST, and the
// participation check (simulation.h) requires every honest replica to vote again
// in the quorum's view afterwards.
//
// One replica's clock runs 2-4x fast for the whole run: its timers fire while the
// others see a healthy primary.
ScenarioConfig FastClockScenario(uint64_t seed);
// The primary of the moment goes down 3-6 times, each for just under or just over
// the view-change timeout (0.5-0.95x or 1.05-2x), some crashes torn.
ScenarioConfig PrimaryOutagesScenario(uint64_t seed);
// The primary goes down for longer than the timeout, and while the others are in
// the view change, 1..f backups crash and restart (some torn), 1-3 times.
ScenarioConfig ViewChangeRestartsScenario(uint64_t seed);

// Request relay: each client sends its request once, to one backup, and never
// again (as creditd's clients do; the node forwards it once, which the network may
// lose). Drops, delays, sometimes a partition, until GST; in half the seeds the
// first primary is Byzantine and withholds some requests. Every request must still
// commit everywhere: the backup holding it relays it (consensus/README.md).
ScenarioConfig ClientSendsOnceScenario(uint64_t seed);

// Byzantine: f validators misbehave, honest ones must stay safe and live.
ScenarioConfig EquivocatingPrimaryScenario(uint64_t seed);
// n = 4. The equivocating primary sends its first batch to replica 3 and another
// version to replicas 1 and 2 (3 sees both); 1 and 2 prepare that version, are cut
// off from 0 and 3, crash and restart from their records. Their prepared
// certificate must be re-proposed in the next view, so its body must survive the
// crash somewhere; then every request must still be committed.
ScenarioConfig PreparedBatchHoldersCrashScenario(uint64_t seed);
ScenarioConfig WrongDigestVoterScenario(uint64_t seed);
ScenarioConfig ReplayingReplicaScenario(uint64_t seed);
ScenarioConfig SilentReplicaScenario(uint64_t seed);
ScenarioConfig WithholdingPrimaryScenario(uint64_t seed);
// Everything at once: up to f Byzantine validators of random kinds, drops,
// a partition, crashes (some torn) of honest replicas, lying block servers.
ScenarioConfig MixedFaultsScenario(uint64_t seed);

// n = 4: a colluding equivocating primary (votes every digest, lies in view
// changes) against honest replicas that commit on 2f votes, with drops. Expected
// to break agreement for some seeds: proves the checker can fail.
ScenarioConfig BrokenCommitQuorumScenario(uint64_t seed);

}  // namespace cc::sim
