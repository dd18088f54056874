#include "consensus/evidence.h"

namespace cc::consensus {

namespace {

// Bounds the digests remembered per key: a replica that equivocates many times over
// one (view, sequence) is proven faulty after the first pair; more adds nothing.
constexpr size_t kMaxReportsPerKey = 4;

struct Vote {
  uint64_t view, sequence;
  uint32_t replica;
  const std::string* digest;
};

std::optional<Vote> VoteOf(const pb::ConsensusMessage& m) {
  switch (m.kind_case()) {
    case pb::ConsensusMessage::kPreprepare:
      return Vote{m.preprepare().view(), m.preprepare().sequence(), m.preprepare().replica(),
                  &m.preprepare().digest()};
    case pb::ConsensusMessage::kPrepare:
      return Vote{m.prepare().view(), m.prepare().sequence(), m.prepare().replica(), &m.prepare().digest()};
    case pb::ConsensusMessage::kCommit:
      return Vote{m.commit().view(), m.commit().sequence(), m.commit().replica(), &m.commit().digest()};
    default:
      return std::nullopt;
  }
}

}  // namespace

std::optional<pb::Evidence> EquivocationDetector::Observe(const pb::ConsensusMessage& message) {
  auto vote = VoteOf(message);
  if (!vote) return std::nullopt;
  Key key{vote->sequence, vote->view, vote->replica, static_cast<int>(message.kind_case())};
  auto it = first_.find(key);
  if (it == first_.end()) {
    First first{*vote->digest, message, {}};
    // The batch body is not part of the proof; the signed digest is.
    if (first.message.has_preprepare()) first.message.mutable_preprepare()->clear_batch();
    first_.emplace(key, std::move(first));
    return std::nullopt;
  }
  First& first = it->second;
  if (first.digest == *vote->digest || first.reported.count(*vote->digest) ||
      first.reported.size() >= kMaxReportsPerKey) {
    return std::nullopt;
  }
  first.reported.insert(*vote->digest);
  pb::Evidence ev;
  ev.set_replica(vote->replica);
  ev.set_view(vote->view);
  ev.set_sequence(vote->sequence);
  *ev.mutable_first() = first.message;
  *ev.mutable_second() = message;
  if (ev.second().has_preprepare()) ev.mutable_second()->mutable_preprepare()->clear_batch();
  return ev;
}

void EquivocationDetector::Forget(uint64_t up_to_sequence) {
  first_.erase(first_.begin(), first_.lower_bound(Key{up_to_sequence + 1, 0, 0, 0}));
}

}  // namespace cc::consensus
