// Genesis: the alliance a chain starts with (members, validators, parameters), its
// JSON file format (docs/genesis.md) and the state it writes before block 1.
//
// ParseGenesis reports the first problem as code "invalid_genesis" with a message
// that names the field ("members[2].public_key: ..."). GenesisState writes the
// initial state; GenesisStateRoot is root(0), the prev_state_root of block 1.
//
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "contracts/records.h"
#include "contracts/state_reader.h"

namespace cc::contracts {

struct GenesisMember {
  std::string id;
  std::string display_name;
  std::string public_key;  // 32 raw bytes
  pb::Role role = pb::ROLE_MEMBER;
};

struct GenesisValidator {
  std::string public_key;   // 32 raw bytes; index in `validators` = replica index
  std::string operator_id;  // the member (role member) that runs it
};

struct Genesis {
  std::string chain_id;
  uint64_t genesis_time_ms = 0;  // block times start here (block time is monotone)
  std::vector<GenesisMember> members;
  std::vector<GenesisValidator> validators;
  AllianceParams params;                          // params.chain_id is ignored; chain_id above is used
  std::map<std::string, uint64_t> member_quotas;  // per-member daily_query_quota
};

// The rules a member or validator record must meet, in genesis and in every
// governance change after it: a key is a valid Ed25519 public key (it has an X25519
// counterpart), a display name 1..128 bytes without control characters.
bool IsValidPublicKey(std::string_view key);
bool IsValidDisplayName(std::string_view name);

// Parses and validates a genesis JSON document.
Result<Genesis> ParseGenesis(std::string_view json_text);
// The checks ParseGenesis applies, for a Genesis built in code. Code "invalid_genesis".
Status ValidateGenesis(const Genesis& genesis);
// The JSON document ParseGenesis reads back to an equal Genesis.
std::string GenesisToJson(const Genesis& genesis);

// REQUIRES: ValidateGenesis(genesis).ok(). Writes sorted by key.
StateWrites GenesisState(const Genesis& genesis);
std::string GenesisStateRoot(const Genesis& genesis);

}  // namespace cc::contracts
