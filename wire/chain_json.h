// JSON renderings of ledger objects shared by the API handlers and creditctl:
// hashes and keys are lower-case hex, heights and times are integers.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "common/status.h"
#include "proto/creditchain.pb.h"

namespace cc::wire {

nlohmann::json HeaderJson(const pb::BlockHeader& header);
nlohmann::json CertificateJson(const pb::CommitCertificate& certificate);
nlohmann::json TxBodyJson(const pb::TxBody& body);
// A TxProof with every byte field in hex, and "tx_id" (the BLAKE2b-256 of "tx").
// ProofFromJson reads it back: code "format" for anything malformed or missing,
// "tx_id_mismatch" when "tx_id" is not the id of "tx" (a proof names exactly one
// transaction; what it proves is in docs/api.md).
nlohmann::json ProofJson(const pb::TxProof& proof);
Status ProofFromJson(const nlohmann::json& j, pb::TxProof* proof);

}  // namespace cc::wire
