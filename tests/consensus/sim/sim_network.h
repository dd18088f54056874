// SimNetwork: the simulated message fabric between n validators, and the one
// time-ordered queue of everything that happens later in a run (message
// deliveries, client requests, fetched blocks, execution reports).
//
// Fault model for validator-to-validator messages, each copy decided on its own:
//   - delay: uniform in [min_delay, max_delay] ticks, so messages reorder;
//   - duplicate: with probability `duplicate` a second copy with its own delay;
//   - drop: with probability `drop`, only before GST;
//   - blocked links (partitions, one-way cuts): a message is lost if its link is
//     blocked when it is sent or when it would arrive; every block ends by GST.
// Entries due at the same tick come out in the order they were scheduled, so a run
// is a pure function of the seed.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <vector>

#include "consensus/replica.h"
#include "tests/consensus/sim/sim_rng.h"

namespace cc::sim {

struct NetworkFaults {
  double drop = 0;
  double duplicate = 0;
  uint32_t min_delay = 1;
  uint32_t max_delay = 3;
};

// Messages from `from` to `to` are lost during [start, end).
struct LinkBlock {
  uint64_t start = 0;
  uint64_t end = 0;
  uint32_t from = 0;
  uint32_t to = 0;
};

struct Envelope {
  enum class Kind {
    kMessage,   // consensus message from a validator
    kRequest,   // client request
    kRelay,     // client request relayed by a validator (Output::relay)
    kFetched,   // blocks answering the replica's own Output::fetch
    kSynced,    // blocks from node-level sync (after a peer's status announcement)
    kExecuted,  // the driver executed a committed batch
    kStatus,    // a peer's node announces its ledger height
  };
  uint64_t time = 0;
  uint64_t order = 0;  // FIFO among equal times
  Kind kind = Kind::kMessage;
  uint32_t from = 0;  // sender (kMessage, kStatus)
  uint32_t to = 0;
  uint64_t incarnation = 0;  // kExecuted: only for the incarnation that executed
  uint64_t height = 0;       // kStatus
  consensus::Event event;
};

struct NetworkCounters {
  uint64_t sent = 0;
  uint64_t dropped = 0;
  uint64_t blocked = 0;
  uint64_t duplicated = 0;
};

class SimNetwork {
 public:
  // `rng` is borrowed and must outlive the network.
  SimNetwork(uint32_t n, Rng& rng) : n_(n), rng_(rng) {}

  void set_faults(const NetworkFaults& faults) { faults_ = faults; }
  const NetworkFaults& faults() const { return faults_; }
  // From `gst` on nothing is dropped. REQUIRES: every block added ends by then.
  void set_gst(uint64_t gst) { gst_ = gst; }
  uint64_t gst() const { return gst_; }

  void AddBlock(const LinkBlock& block) { blocks_.push_back(block); }
  // Replicas with different group ids cannot talk (both ways) during [start, end).
  void AddPartition(uint64_t start, uint64_t end, const std::vector<uint32_t>& group_of);
  bool Connected(uint32_t from, uint32_t to, uint64_t now) const;

  // Sends one message copy under the fault model.
  void Send(uint64_t now, uint32_t from, uint32_t to, const pb::ConsensusMessage& message);
  // Sends one relayed client request under the same fault model.
  void Relay(uint64_t now, uint32_t from, uint32_t to, const consensus::RequestEvent& request);
  // A random delay drawn from the fault model.
  uint64_t Delay() { return rng_.Uniform(faults_.min_delay, faults_.max_delay); }
  // True if a message sent now would be dropped by the random drop fault.
  bool RandomDrop(uint64_t now) { return now < gst_ && rng_.Chance(faults_.drop); }

  void Schedule(Envelope envelope);
  // Moves out the earliest entry due at or before `now`; false when none.
  bool PopDue(uint64_t now, Envelope* out);
  bool empty() const { return queue_.empty(); }
  size_t pending() const { return queue_.size(); }
  const NetworkCounters& counters() const { return counters_; }

 private:
  void Transmit(uint64_t now, uint32_t from, uint32_t to, Envelope::Kind kind, const consensus::Event& event);

  uint32_t n_;
  Rng& rng_;
  NetworkFaults faults_;
  uint64_t gst_ = 0;
  std::vector<LinkBlock> blocks_;
  std::vector<Envelope> queue_;  // a min-heap on (time, order)
  uint64_t next_order_ = 0;
  NetworkCounters counters_;
};

}  // namespace cc::sim
