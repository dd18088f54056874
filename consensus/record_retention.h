// Which persisted replica records survive a stable checkpoint.
//
// A driver persists every record the replica hands it (replica.h: "persist before
// send") and may compact them once a checkpoint is stable. This is the one rule for
// what it may drop, used by creditd's driver and by the simulation alike:
//   - records about a sequence at or below the stable checkpoint go (a prepared
//     proof, or a PRE-PREPARE / PREPARE / COMMIT vote this replica sent), EXCEPT the
//     replica's own CHECKPOINT at the stable sequence: its share of the proof, which
//     a restarted replica must still be able to show;
//   - of the view records, only the latest entered_view, the latest VIEW-CHANGE and
//     the latest NEW-VIEW this replica sent are kept: they are what stops a
//     restarted replica from signing a conflicting view change; and the latest
//     timeout certificate, which shows the others why it is in a view change;
//   - everything about a sequence above the stable checkpoint is kept.
// The kept records stay in their original order.
//
// Thread safety: a pure function.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "proto/creditchain.pb.h"

namespace cc::consensus {

// The sequence a record is about, or nullopt for view records (entered_view,
// VIEW-CHANGE, NEW-VIEW).
std::optional<uint64_t> RecordSequence(const pb::ReplicaRecord& record);

// The records of `log` to keep once `stable` is a stable checkpoint.
std::vector<pb::ReplicaRecord> RetainedRecords(const std::vector<pb::ReplicaRecord>& log, uint64_t stable);

}  // namespace cc::consensus
