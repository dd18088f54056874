#include "consensus/view_change.h"

#include <algorithm>
#include <set>

#include "consensus/quorum.h"
#include "crypto/hash.h"
#include "proto/canonical.h"

namespace cc::consensus {

namespace {

Status Bad(const std::string& code, const std::string& message) { return Status::Error(code, message); }

Status ValidateCheckpointProof(MessageAuth& auth, const ViewRules& rules, const pb::ViewChange& vc) {
  if (vc.stable_sequence() == 0) {
    if (!vc.stable_digest().empty() || vc.checkpoint_proof_size() != 0) {
      return Bad("bad_checkpoint_proof", "genesis checkpoint carries a digest or proof");
    }
    return Status::Ok();
  }
  if (rules.checkpoint_interval == 0 || vc.stable_sequence() % rules.checkpoint_interval != 0) {
    return Bad("bad_checkpoint_proof", "stable sequence is not a checkpoint");
  }
  if (vc.checkpoint_proof_size() > static_cast<int>(rules.n)) {
    return Bad("malformed", "checkpoint proof larger than the validator set");
  }
  std::set<uint32_t> signers;
  for (const auto& cp : vc.checkpoint_proof()) {
    if (cp.sequence() != vc.stable_sequence() || cp.state_digest() != vc.stable_digest()) {
      return Bad("bad_checkpoint_proof", "checkpoint proof does not match the claim");
    }
    if (!signers.insert(cp.replica()).second) return Bad("bad_checkpoint_proof", "repeated signer");
    if (!auth.Verify(cp)) return Bad("bad_checkpoint_proof", "invalid checkpoint signature");
  }
  if (signers.size() < QuorumSize(rules.n)) return Bad("bad_checkpoint_proof", "fewer than 2f+1 signers");
  return Status::Ok();
}

}  // namespace

pb::Batch NullBatch() { return pb::Batch(); }

const std::string& NullBatchDigest() {
  static const std::string digest = proto::BatchDigestOf(NullBatch());
  return digest;
}

pb::ViewChange MakeViewChange(MessageAuth& auth, const ViewRules& rules, uint64_t new_view,
                              const StableCheckpoint& stable,
                              const std::map<uint64_t, pb::PreparedProof>& proofs) {
  pb::ViewChange vc;
  vc.set_new_view(new_view);
  vc.set_stable_sequence(stable.sequence);
  vc.set_stable_digest(stable.digest);
  for (const auto& cp : stable.proof) *vc.add_checkpoint_proof() = cp;
  for (auto it = proofs.upper_bound(stable.sequence);
       it != proofs.end() && it->first <= stable.sequence + rules.window; ++it) {
    if (it->second.preprepare().view() >= new_view) continue;
    pb::PreparedProof* p = vc.add_prepared();
    *p = it->second;
    p->mutable_preprepare()->clear_batch();
  }
  auth.SignViewChange(vc);
  return vc;
}

Status ValidatePreparedProof(MessageAuth& auth, const ViewRules& rules, const pb::PreparedProof& proof) {
  const pb::PrePrepare& pp = proof.preprepare();
  if (pp.has_batch()) return Bad("malformed", "prepared proof carries a batch");
  if (pp.digest().size() != crypto::kHashSize) return Bad("malformed", "bad digest size");
  if (pp.replica() != pp.view() % rules.n) return Bad("bad_prepared_proof", "pre-prepare not from primary");
  if (proof.prepares_size() > static_cast<int>(rules.n)) return Bad("malformed", "too many prepares");
  std::set<uint32_t> signers;
  for (const auto& p : proof.prepares()) {
    if (p.view() != pp.view() || p.sequence() != pp.sequence() || p.digest() != pp.digest()) {
      return Bad("bad_prepared_proof", "prepare does not match pre-prepare");
    }
    if (p.replica() == pp.replica() || p.replica() >= rules.n || !signers.insert(p.replica()).second) {
      return Bad("bad_prepared_proof", "prepare signer repeated, primary or unknown");
    }
  }
  if (signers.size() < 2 * FaultsTolerated(rules.n))
    return Bad("bad_prepared_proof", "fewer than 2f prepares");
  if (!auth.Verify(pp)) return Bad("bad_prepared_proof", "invalid pre-prepare signature");
  for (const auto& p : proof.prepares()) {
    if (!auth.Verify(p)) return Bad("bad_prepared_proof", "invalid prepare signature");
  }
  return Status::Ok();
}

Status ValidateViewChange(MessageAuth& auth, const ViewRules& rules, const pb::ViewChange& vc) {
  if (vc.replica() >= rules.n) return Bad("malformed", "unknown replica");
  if (vc.new_view() == 0) return Bad("malformed", "view change to view 0");
  if (vc.prepared_size() > static_cast<int>(rules.window))
    return Bad("malformed", "too many prepared proofs");
  std::set<uint64_t> sequences;
  for (const auto& p : vc.prepared()) {
    uint64_t seq = p.preprepare().sequence();
    if (seq <= vc.stable_sequence() || seq > vc.stable_sequence() + rules.window) {
      return Bad("bad_prepared_proof", "prepared sequence outside the sender's window");
    }
    if (p.preprepare().view() >= vc.new_view()) return Bad("bad_prepared_proof", "prepared in a future view");
    if (!sequences.insert(seq).second) return Bad("malformed", "two proofs for one sequence");
  }
  // Cheap checks first; signatures last.
  if (!auth.VerifySignatureOnly(vc)) return Bad("bad_signature", "invalid view change signature");
  CC_RETURN_IF_ERROR(ValidateCheckpointProof(auth, rules, vc));
  for (const auto& p : vc.prepared()) CC_RETURN_IF_ERROR(ValidatePreparedProof(auth, rules, p));
  return Status::Ok();
}

NewViewSelection SelectNewView(const std::vector<pb::ViewChange>& vcs) {
  NewViewSelection s;
  const pb::ViewChange* stable_source = nullptr;
  for (const auto& vc : vcs) {
    if (stable_source == nullptr || vc.stable_sequence() > stable_source->stable_sequence()) {
      stable_source = &vc;
    }
  }
  s.min_s = stable_source->stable_sequence();
  s.stable.sequence = s.min_s;
  s.stable.digest = stable_source->stable_digest();
  s.stable.proof.assign(stable_source->checkpoint_proof().begin(), stable_source->checkpoint_proof().end());

  // sequence -> (view, digest) of the prepared certificate with the highest view;
  // equal views (impossible with at most f faults) resolve to the smaller digest.
  std::map<uint64_t, std::pair<uint64_t, std::string>> best;
  s.max_s = s.min_s;
  for (const auto& vc : vcs) {
    for (const auto& p : vc.prepared()) {
      const auto& pp = p.preprepare();
      if (pp.sequence() <= s.min_s) continue;
      s.max_s = std::max(s.max_s, pp.sequence());
      auto it = best.find(pp.sequence());
      if (it == best.end() || pp.view() > it->second.first ||
          (pp.view() == it->second.first && pp.digest() < it->second.second)) {
        best[pp.sequence()] = {pp.view(), pp.digest()};
      }
    }
  }
  for (uint64_t seq = s.min_s + 1; seq <= s.max_s; ++seq) {
    auto it = best.find(seq);
    if (it == best.end()) {
      s.entries.push_back({seq, NullBatchDigest(), true});
    } else {
      s.entries.push_back({seq, it->second.second, false});
    }
  }
  return s;
}

pb::NewView MakeNewView(MessageAuth& auth, uint64_t view, std::vector<pb::ViewChange> vcs,
                        const NewViewSelection& selection) {
  std::sort(vcs.begin(), vcs.end(), [](const auto& a, const auto& b) { return a.replica() < b.replica(); });
  pb::NewView nv;
  nv.set_view(view);
  for (auto& vc : vcs) *nv.add_view_changes() = std::move(vc);
  for (const auto& e : selection.entries)
    *nv.add_preprepares() = auth.SignPrePrepare(view, e.sequence, e.digest);
  auth.SignNewView(nv);
  return nv;
}

Status ValidateNewView(MessageAuth& auth, const ViewRules& rules, const pb::NewView& nv,
                       const std::function<Status(const pb::ViewChange&)>& validate_vc,
                       NewViewSelection* selection) {
  if (nv.view() == 0) return Bad("malformed", "new view 0");
  if (nv.replica() != nv.view() % rules.n) return Bad("wrong_primary", "new view not from its primary");
  if (nv.view_changes_size() > static_cast<int>(rules.n)) return Bad("malformed", "too many view changes");
  if (nv.preprepares_size() > static_cast<int>(rules.window))
    return Bad("malformed", "too many pre-prepares");
  std::set<uint32_t> senders;
  for (const auto& vc : nv.view_changes()) {
    if (vc.new_view() != nv.view() || !senders.insert(vc.replica()).second) {
      return Bad("bad_view_change", "view change for another view or repeated sender");
    }
  }
  if (senders.size() < QuorumSize(rules.n))
    return Bad("too_few_view_changes", "fewer than 2f+1 view changes");
  if (!auth.VerifySignatureOnly(nv)) return Bad("bad_signature", "invalid new view signature");
  for (const auto& vc : nv.view_changes()) {
    Status st = validate_vc(vc);
    if (!st.ok()) return Bad("bad_view_change", st.ToString());
  }
  std::vector<pb::ViewChange> vcs(nv.view_changes().begin(), nv.view_changes().end());
  NewViewSelection s = SelectNewView(vcs);
  if (static_cast<size_t>(nv.preprepares_size()) != s.entries.size()) {
    return Bad("selection_mismatch", "wrong number of re-issued pre-prepares");
  }
  for (size_t i = 0; i < s.entries.size(); ++i) {
    const auto& pp = nv.preprepares(static_cast<int>(i));
    if (pp.view() != nv.view() || pp.sequence() != s.entries[i].sequence ||
        pp.digest() != s.entries[i].digest || pp.replica() != nv.replica() || pp.has_batch()) {
      return Bad("selection_mismatch", "re-issued pre-prepare differs from the view changes");
    }
  }
  for (const auto& pp : nv.preprepares()) {
    if (!auth.Verify(pp)) return Bad("bad_signature", "invalid re-issued pre-prepare signature");
  }
  *selection = std::move(s);
  return Status::Ok();
}

}  // namespace cc::consensus
