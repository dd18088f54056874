// JSON renderings of ledger objects shared by the API handlers and creditctl:
// hashes and keys are lower-case hex, heights and times are integers.
//
// Thread safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "proto/creditchain.pb.h"

namespace cc::node {

nlohmann::json HeaderJson(const pb::BlockHeader& header);
nlohmann::json CertificateJson(const pb::CommitCertificate& certificate);
nlohmann::json TxBodyJson(const pb::TxBody& body);
// A TxProof with every byte field in hex; ProofFromJson reads it back.
nlohmann::json ProofJson(const pb::TxProof& proof);
bool ProofFromJson(const nlohmann::json& j, pb::TxProof* proof);

}  // namespace cc::node
