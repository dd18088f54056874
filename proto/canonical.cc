#include "proto/canonical.h"

#include "common/canonical.h"
#include "crypto/hash.h"
#include "crypto/merkle.h"

namespace cc::proto {

namespace {

void WritePayload(CanonicalWriter& w, const pb::TxBody& body) {
  // The payload kind is its protobuf field number (0 when unset); fields follow in
  // the order of the schema, every one always written.
  w.U32(static_cast<uint32_t>(body.payload_case()));
  switch (body.payload_case()) {
    case pb::TxBody::kRecordEvent: {
      const auto& p = body.record_event();
      w.Bytes(p.subject_key())
          .U32(p.event_type())
          .Bytes(p.loan_ref_hash())
          .U64(p.amount_minor())
          .Bytes(p.currency())
          .U32(p.event_day())
          .Bytes(p.record_hash());
      break;
    }
    case pb::TxBody::kAmendEvent: {
      const auto& p = body.amend_event();
      w.Bytes(p.event_tx_id()).U32(p.kind()).Bytes(p.record_hash());
      break;
    }
    case pb::TxBody::kAddBlacklist: {
      const auto& p = body.add_blacklist();
      w.Bytes(p.subject_key()).U32(p.reason()).Bytes(p.evidence_hash()).U32(p.expiry_day());
      break;
    }
    case pb::TxBody::kRemoveBlacklist: {
      const auto& p = body.remove_blacklist();
      w.Bytes(p.entry_tx_id()).Bytes(p.reason_hash());
      break;
    }
    case pb::TxBody::kQueryAudit: {
      const auto& p = body.query_audit();
      w.Bytes(p.subject_key()).U32(p.purpose()).Bytes(p.authorization_ref_hash()).U64(p.query_time_ms());
      break;
    }
    case pb::TxBody::kProposeChange: {
      const auto& p = body.propose_change();
      w.U32(p.kind())
          .Bytes(p.member_id())
          .Bytes(p.public_key())
          .U32(p.role())
          .Bytes(p.parameter())
          .U64(p.value())
          .Bytes(p.display_name());
      break;
    }
    case pb::TxBody::kApproveChange:
      w.Bytes(body.approve_change().proposal_tx_id());
      break;
    case pb::TxBody::kRegulatoryAction: {
      const auto& p = body.regulatory_action();
      w.U32(p.kind()).Bytes(p.target_member()).Bytes(p.document_hash());
      break;
    }
    case pb::TxBody::PAYLOAD_NOT_SET:
      break;
  }
}

std::string Vote(std::string_view tag, std::string_view chain_id, uint64_t view, uint64_t sequence,
                 std::string_view digest, uint32_t replica) {
  CanonicalWriter w(tag);
  w.Bytes(chain_id).U64(view).U64(sequence).Bytes(digest).U32(replica);
  return w.Take();
}

}  // namespace

std::string TxBodySigningBytes(const pb::TxBody& body) {
  CanonicalWriter w("creditchain/tx/v1");
  w.Bytes(body.chain_id())
      .Bytes(body.sender())
      .U64(body.nonce())
      .U64(body.not_before_ms())
      .U64(body.not_after_ms());
  WritePayload(w, body);
  return w.Take();
}

std::string TxId(std::string_view signed_tx_bytes) { return crypto::Blake2b256(signed_tx_bytes); }

Status ParseCanonicalTx(std::string_view raw, pb::SignedTx* out) {
  if (!out->ParseFromArray(raw.data(), static_cast<int>(raw.size()))) {
    return Status::Error("malformed", "transaction is not a valid SignedTx protobuf");
  }
  out->DiscardUnknownFields();
  std::string again;
  if (!out->SerializeToString(&again) || again != raw) {
    return Status::Error("non_canonical",
                         "transaction bytes are not in canonical protobuf form (field order, "
                         "defaults omitted, no unknown fields)");
  }
  return Status::Ok();
}

std::string BlockHeaderBytes(const pb::BlockHeader& h) {
  CanonicalWriter w("creditchain/block/v1");
  w.U64(h.height())
      .Bytes(h.prev_hash())
      .Bytes(h.batch_digest())
      .Bytes(h.tx_root())
      .Bytes(h.state_root())
      .U64(h.timestamp_ms())
      .U32(h.tx_count());
  return w.Take();
}

std::string BlockHash(const pb::BlockHeader& header) { return crypto::Blake2b256(BlockHeaderBytes(header)); }

std::string BatchDigest(uint64_t timestamp_ms, uint32_t tx_count, const std::string& tx_root) {
  CanonicalWriter w("creditchain/batch/v1");
  w.U64(timestamp_ms).U32(tx_count).Bytes(tx_root);
  return crypto::Blake2b256(w.bytes());
}

std::vector<std::string> TxIds(const pb::Batch& batch) {
  std::vector<std::string> ids;
  ids.reserve(batch.requests_size());
  for (const auto& r : batch.requests()) ids.push_back(TxId(r));
  return ids;
}

std::string BatchDigestOf(const pb::Batch& batch) {
  return BatchDigest(batch.timestamp_ms(), static_cast<uint32_t>(batch.requests_size()),
                     crypto::MerkleRoot(TxIds(batch)));
}

std::string TxAttestationSigningBytes(std::string_view chain_id, const pb::TxAttestation& a) {
  CanonicalWriter w("creditchain/tx-attestation/v1");
  w.Bytes(chain_id).U32(a.validator()).U32(static_cast<uint32_t>(a.tx_ids_size()));
  for (int i = 0; i < a.tx_ids_size(); ++i) {
    w.Bytes(a.tx_ids(i)).Bytes(i < a.public_keys_size() ? a.public_keys(i) : std::string());
  }
  return w.Take();
}

std::string PrePrepareSigningBytes(std::string_view chain_id, uint64_t view, uint64_t sequence,
                                   std::string_view digest, uint32_t replica) {
  return Vote("creditchain/preprepare/v1", chain_id, view, sequence, digest, replica);
}

std::string PrepareSigningBytes(std::string_view chain_id, uint64_t view, uint64_t sequence,
                                std::string_view digest, uint32_t replica) {
  return Vote("creditchain/prepare/v1", chain_id, view, sequence, digest, replica);
}

std::string CommitSigningBytes(std::string_view chain_id, uint64_t view, uint64_t sequence,
                               std::string_view digest, uint32_t replica) {
  return Vote("creditchain/commit/v1", chain_id, view, sequence, digest, replica);
}

std::string CheckpointSigningBytes(std::string_view chain_id, uint64_t sequence,
                                   std::string_view state_digest, uint32_t replica) {
  CanonicalWriter w("creditchain/checkpoint/v1");
  w.Bytes(chain_id).U64(sequence).Bytes(state_digest).U32(replica);
  return w.Take();
}

std::string ViewTimeoutSigningBytes(std::string_view chain_id, uint64_t view, uint32_t replica) {
  CanonicalWriter w("creditchain/viewtimeout/v1");
  w.Bytes(chain_id).U64(view).U32(replica);
  return w.Take();
}

std::string ViewChangeSigningBytes(std::string_view chain_id, const pb::ViewChange& vc) {
  CanonicalWriter w("creditchain/viewchange/v1");
  w.Bytes(chain_id).U64(vc.new_view()).U64(vc.stable_sequence()).Bytes(vc.stable_digest());
  w.U32(static_cast<uint32_t>(vc.prepared_size()));
  for (const auto& p : vc.prepared()) {
    w.U64(p.preprepare().view()).U64(p.preprepare().sequence()).Bytes(p.preprepare().digest());
  }
  w.U32(vc.replica());
  return w.Take();
}

std::string NewViewSigningBytes(std::string_view chain_id, const pb::NewView& nv) {
  CanonicalWriter w("creditchain/newview/v1");
  w.Bytes(chain_id).U64(nv.view());
  w.U32(static_cast<uint32_t>(nv.view_changes_size()));
  for (const auto& vc : nv.view_changes()) w.U32(vc.replica()).Bytes(vc.signature());
  w.U32(static_cast<uint32_t>(nv.preprepares_size()));
  for (const auto& pp : nv.preprepares()) w.U64(pp.sequence()).Bytes(pp.digest());
  w.U32(nv.replica());
  return w.Take();
}

}  // namespace cc::proto
