#include "tests/consensus/sim/sim_network.h"

#include <algorithm>

namespace cc::sim {

namespace {
// std::push_heap builds a max-heap; "greater" puts the earliest entry on top.
bool Later(const Envelope& a, const Envelope& b) {
  return a.time != b.time ? a.time > b.time : a.order > b.order;
}
}  // namespace

void SimNetwork::AddPartition(uint64_t start, uint64_t end, const std::vector<uint32_t>& group_of) {
  for (uint32_t a = 0; a < n_; ++a) {
    for (uint32_t b = 0; b < n_; ++b) {
      if (a != b && group_of[a] != group_of[b]) AddBlock({start, end, a, b});
    }
  }
}

bool SimNetwork::Connected(uint32_t from, uint32_t to, uint64_t now) const {
  for (const auto& b : blocks_) {
    if (b.from == from && b.to == to && now >= b.start && now < b.end) return false;
  }
  return true;
}

void SimNetwork::Send(uint64_t now, uint32_t from, uint32_t to, const pb::ConsensusMessage& message) {
  Transmit(now, from, to, Envelope::Kind::kMessage, consensus::MessageEvent{from, message});
}

void SimNetwork::Relay(uint64_t now, uint32_t from, uint32_t to, const consensus::RequestEvent& request) {
  Transmit(now, from, to, Envelope::Kind::kRelay, request);
}

void SimNetwork::Transmit(uint64_t now, uint32_t from, uint32_t to, Envelope::Kind kind,
                          const consensus::Event& event) {
  ++counters_.sent;
  if (!Connected(from, to, now)) {
    ++counters_.blocked;
    return;
  }
  if (RandomDrop(now)) {
    ++counters_.dropped;
    return;
  }
  const int copies = rng_.Chance(faults_.duplicate) ? 2 : 1;
  if (copies == 2) ++counters_.duplicated;
  for (int i = 0; i < copies; ++i) {
    Envelope e;
    e.time = now + Delay();
    e.kind = kind;
    e.from = from;
    e.to = to;
    e.event = event;
    Schedule(std::move(e));
  }
}

void SimNetwork::Schedule(Envelope envelope) {
  envelope.order = next_order_++;
  queue_.push_back(std::move(envelope));
  std::push_heap(queue_.begin(), queue_.end(), Later);
}

bool SimNetwork::PopDue(uint64_t now, Envelope* out) {
  while (!queue_.empty() && queue_.front().time <= now) {
    std::pop_heap(queue_.begin(), queue_.end(), Later);
    Envelope e = std::move(queue_.back());
    queue_.pop_back();
    if ((e.kind == Envelope::Kind::kMessage || e.kind == Envelope::Kind::kStatus ||
         e.kind == Envelope::Kind::kRelay) &&
        !Connected(e.from, e.to, e.time)) {
      ++counters_.blocked;  // the link went down while the message was in flight
      continue;
    }
    *out = std::move(e);
    return true;
  }
  return false;
}

}  // namespace cc::sim
