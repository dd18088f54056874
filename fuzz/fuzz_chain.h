// FuzzChain: the small alliance the harnesses of fuzz/ share, and a real chain on
// it, so seeds are made of real objects and harnesses can check what they accept.
//
// Members bank-a..bank-d (each operating validator 0..3) and lender-e (members),
// and regulator. Keys derive from names (crypto::Blake2b256("fuzz-seed/" + name)),
// so every process builds the same alliance and the same chain. Blocks are really
// executed by the contracts (contracts::LedgerExecutor over a MemoryLedger) and
// certified by validators 0..2 with real Ed25519 commit votes, as a node would
// store them: block sync, proofs and admission see nothing a real node would not.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "contracts/genesis.h"
#include "contracts/ledger_executor.h"
#include "crypto/keys.h"
#include "ledger/memory_ledger.h"
#include "proto/creditchain.pb.h"

namespace cc::fuzz {

inline constexpr const char* kFuzzChainId = "creditchain-fuzz";
inline constexpr uint64_t kFuzzGenesisMs = 20'000ull * 86'400'000ull;  // a day boundary

crypto::KeyPair KeyFor(const std::string& name);
// The genesis above (validated).
const contracts::Genesis& FuzzGenesis();
// Validator public keys in index order, and the validator key pairs.
std::vector<std::string> ValidatorPublicKeys();
const crypto::KeyPair& ValidatorKey(uint32_t index);
// Sign `body` as its sender (body.sender() must be one of the members above).
std::string SignAs(const pb::TxBody& body);
// A canonical SignedTx of `body` with `signature` (valid or not).
std::string WithSignature(const pb::TxBody& body, const std::string& signature);
// A commit certificate for (height, digest) in `view` by `signers`.
pb::CommitCertificate Certify(uint64_t height, const std::string& digest, uint64_t view,
                              const std::vector<uint32_t>& signers);

class FuzzChain {
 public:
  FuzzChain();

  // A body from `sender` with a fresh nonce, valid around now_ms().
  pb::TxBody Body(const std::string& sender);
  std::string RecordEvent(const std::string& sender, const std::string& subject, pb::EventType type);
  std::string Amend(const std::string& sender, const std::string& event_tx_id, pb::AmendKind kind);
  std::string AddBlacklist(const std::string& sender, const std::string& subject);
  std::string RemoveBlacklist(const std::string& sender, const std::string& entry_tx_id);
  std::string Query(const std::string& sender, const std::string& subject);
  std::string Propose(const std::string& sender, pb::ChangeKind kind, const std::string& member_id,
                      const std::string& public_key);
  std::string Approve(const std::string& sender, const std::string& proposal_tx_id);
  std::string RegulatoryAction(const std::string& sender, const std::string& target);

  // Executes `txs` as the next block at now_ms(), certifies it and appends it;
  // then moves now_ms() one second on. Aborts if anything fails (a broken fixture).
  const pb::CertifiedBlock& Commit(const std::vector<std::string>& txs);

  // A chain with one block of every kind of transaction (events, an amendment,
  // blacklist entries and a removal, a query, a proposal and its approvals, a
  // regulatory action), built the same way every time.
  static std::unique_ptr<FuzzChain> Populated();

  uint64_t now_ms() const { return now_ms_; }
  const ledger::MemoryLedger& ledger() const { return ledger_; }
  const contracts::LedgerState& state() const { return state_; }
  const std::vector<pb::CertifiedBlock>& blocks() const { return blocks_; }
  // Ids (32 raw bytes) of the transactions committed so far, by kind, for seeds.
  std::map<std::string, std::vector<std::string>> ids;

 private:
  ledger::MemoryLedger ledger_;
  contracts::LedgerState state_;
  contracts::LedgerExecutor executor_;
  std::vector<pb::CertifiedBlock> blocks_;
  std::map<std::string, uint64_t> nonces_;
  uint64_t now_ms_;
};

// A subject key and a 32-byte commitment derived from a label.
std::string SubjectKey(const std::string& label);
std::string Commitment(const std::string& label);

}  // namespace cc::fuzz
