// The view-change safety rules, as pure functions (no replica state).
//
//  * MakeViewChange: this replica's VIEW-CHANGE for a new view: its stable
//    checkpoint with the 2f+1 proof, and the prepared certificate with the highest
//    view for each sequence above it.
//  * ValidateViewChange: checks a VIEW-CHANGE completely: its signature, the
//    checkpoint proof (2f+1 distinct valid signatures on (sequence, digest)) and
//    every prepared certificate (a pre-prepare of primary(view) and 2f matching
//    prepares from distinct other replicas, all validly signed, views below the new
//    view, sequences inside the sender's watermark window).
//  * SelectNewView: from a set of valid VIEW-CHANGEs, the NEW-VIEW decision:
//    min-s = highest stable checkpoint, max-s = highest prepared sequence, and for
//    every sequence in (min-s, max-s] the digest prepared in the highest view, or
//    the null batch when nothing was prepared. Deterministic in its input.
//  * MakeNewView / ValidateNewView: the primary builds NEW-VIEW from the selection;
//    every replica recomputes the selection from the carried VIEW-CHANGEs and
//    rejects a NEW-VIEW whose re-issued pre-prepares differ.
//
// The null batch has timestamp 0 and no requests; executors see an empty block.
//
// Thread safety: pure functions; MessageAuth is used for signing and verifying.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "consensus/checkpoints.h"
#include "consensus/messages.h"
#include "proto/creditchain.pb.h"

namespace cc::consensus {

struct ViewRules {
  uint32_t n = 4;
  uint32_t checkpoint_interval = 16;  // K
  uint32_t window = 64;               // L
};

pb::Batch NullBatch();
const std::string& NullBatchDigest();

// `proofs`: sequence -> best prepared certificate (batch omitted). Those at or
// below the stable checkpoint, or beyond its window, are left out.
pb::ViewChange MakeViewChange(MessageAuth& auth, const ViewRules& rules, uint64_t new_view,
                              const StableCheckpoint& stable,
                              const std::map<uint64_t, pb::PreparedProof>& proofs);

// Codes: "bad_signature", "bad_checkpoint_proof", "bad_prepared_proof", "malformed".
Status ValidateViewChange(MessageAuth& auth, const ViewRules& rules, const pb::ViewChange& vc);
Status ValidatePreparedProof(MessageAuth& auth, const ViewRules& rules, const pb::PreparedProof& proof);

struct NewViewEntry {
  uint64_t sequence = 0;
  std::string digest;
  bool null_batch = false;
};

struct NewViewSelection {
  uint64_t min_s = 0;
  uint64_t max_s = 0;
  StableCheckpoint stable;            // the checkpoint at min_s with its proof
  std::vector<NewViewEntry> entries;  // one per sequence in (min_s, max_s], in order
};

// REQUIRES: every element passed ValidateViewChange; non-empty.
NewViewSelection SelectNewView(const std::vector<pb::ViewChange>& vcs);

// Signs the re-issued pre-prepares and the NEW-VIEW itself. `vcs` are carried in
// replica order. REQUIRES: auth.self() is the primary of `view`.
pb::NewView MakeNewView(MessageAuth& auth, uint64_t view, std::vector<pb::ViewChange> vcs,
                        const NewViewSelection& selection);

// Checks a NEW-VIEW from the primary of nv.view(). `validate_vc` checks one carried
// VIEW-CHANGE (lets the caller reuse verifications it already made). On success
// fills `selection`. Codes: "bad_signature", "wrong_primary", "too_few_view_changes",
// "bad_view_change", "selection_mismatch", "malformed".
Status ValidateNewView(MessageAuth& auth, const ViewRules& rules, const pb::NewView& nv,
                       const std::function<Status(const pb::ViewChange&)>& validate_vc,
                       NewViewSelection* selection);

}  // namespace cc::consensus
