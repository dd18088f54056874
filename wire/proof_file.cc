#include "wire/proof_file.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

#include "common/hex.h"
#include "wire/chain_json.h"

namespace cc::wire {

Result<pb::TxProof> ParseProofFile(std::string_view content) {
  // Trailing white space is dropped for every form; leading white space only
  // before JSON.
  std::string_view trimmed = content;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back())))
    trimmed.remove_suffix(1);
  size_t first = 0;
  while (first < trimmed.size() && std::isspace(static_cast<unsigned char>(trimmed[first]))) ++first;
  pb::TxProof proof;
  if (first < trimmed.size() && trimmed[first] == '{') {
    auto j = nlohmann::json::parse(trimmed, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return Status::Error("format", "not valid JSON");
    if (j.is_object() && !j.contains("tx") && j.contains("proof") && j["proof"].is_object()) {
      nlohmann::json inner = std::move(j["proof"]);
      j = std::move(inner);
    }
    CC_RETURN_IF_ERROR(ProofFromJson(j, &proof));
    return proof;
  }
  std::string bytes(content);
  if (auto decoded = FromHex(trimmed); decoded && !trimmed.empty()) bytes = *decoded;
  if (!proof.ParseFromString(bytes)) {
    return Status::Error("format", "not a TxProof (JSON, binary protobuf or its hex)");
  }
  return proof;
}

}  // namespace cc::wire
