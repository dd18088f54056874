#include "consensus/record_retention.h"

namespace cc::consensus {

std::optional<uint64_t> RecordSequence(const pb::ReplicaRecord& r) {
  if (r.has_prepared()) return r.prepared().preprepare().sequence();
  if (!r.has_sent()) return std::nullopt;
  const auto& m = r.sent();
  switch (m.kind_case()) {
    case pb::ConsensusMessage::kPreprepare:
      return m.preprepare().sequence();
    case pb::ConsensusMessage::kPrepare:
      return m.prepare().sequence();
    case pb::ConsensusMessage::kCommit:
      return m.commit().sequence();
    case pb::ConsensusMessage::kCheckpoint:
      return m.checkpoint().sequence();
    default:
      return std::nullopt;  // view change / new view: about views
  }
}

std::vector<pb::ReplicaRecord> RetainedRecords(const std::vector<pb::ReplicaRecord>& log, uint64_t stable) {
  std::optional<size_t> last_view, last_vc, last_nv, last_tc;
  for (size_t i = 0; i < log.size(); ++i) {
    const auto& r = log[i];
    if (r.has_entered_view()) last_view = i;
    if (r.has_timeout_certificate()) last_tc = i;
    if (r.has_sent() && r.sent().has_view_change()) last_vc = i;
    if (r.has_sent() && r.sent().has_new_view()) last_nv = i;
  }
  std::vector<pb::ReplicaRecord> keep;
  for (size_t i = 0; i < log.size(); ++i) {
    const auto seq = RecordSequence(log[i]);
    const bool own_stable_checkpoint =
        log[i].has_sent() && log[i].sent().has_checkpoint() && seq && *seq == stable;
    if (i == last_view || i == last_vc || i == last_nv || i == last_tc || own_stable_checkpoint ||
        (seq && *seq > stable)) {
      keep.push_back(log[i]);
    }
  }
  return keep;
}

}  // namespace cc::consensus
