// The proof files `creditctl verify-proof` reads: one transaction proof as
//   - the API's JSON form (chain_json.h ProofJson), or any JSON object carrying it
//     as "proof" (the answer of POST /v1/events?wait=commit, an event of a subject
//     report), leading and trailing white space allowed; or
//   - a serialized pb::TxProof, raw or as hex text.
// Nothing is trusted here: the caller verifies the proof (ledger/proof.h).
//
// Thread safety: pure function.
#pragma once

#include <string_view>

#include "common/status.h"
#include "proto/creditchain.pb.h"

namespace cc::wire {

// Codes: "format" (none of the forms above), "tx_id_mismatch" (JSON whose "tx_id"
// is not the id of its "tx"; see ProofFromJson). Messages do not name the file.
Result<pb::TxProof> ParseProofFile(std::string_view content);

}  // namespace cc::wire
