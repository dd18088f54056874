// The seams node/ wires together, owned here by their consumer (STYLE.md 7):
// a BlockExecutor turns a committed batch into a certified block and its state
// writes; a PeerSender puts frames on the wire. Each has one real implementation
// (ContractsBlockExecutor below, over contracts/ledger_executor.h; node/peer_links.h)
// and fakes in tests (tests/node/consensus_driver_test.cc).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "contracts/ledger_executor.h"
#include "ledger/ledger.h"
#include "proto/creditchain.pb.h"

namespace cc::node {

using contracts::ExecutedBlock;

class BlockExecutor {
 public:
  virtual ~BlockExecutor() = default;
  // Builds the block at ledger height + 1 from a committed batch and executes it
  // against the current ledger state. Does not write: the caller appends the
  // result in one synced batch. Duplicate requests need no list from consensus:
  // the contracts answer a repeated tx id "duplicate" from state, so a validator
  // and an observer (which has no replica) execute identically.
  virtual Result<ExecutedBlock> Execute(const pb::Batch& batch, const pb::CommitCertificate& certificate) = 0;
};

class PeerSender {
 public:
  virtual ~PeerSender() = default;
  // `frame` is a serialized pb::PeerFrame. Sending never blocks; a full or
  // disconnected peer drops the frame (consensus retransmits through view changes
  // and block sync, so a dropped frame costs latency, never safety).
  virtual void SendToValidator(uint32_t validator, const std::string& frame) = 0;
  virtual void BroadcastToValidators(const std::string& frame) = 0;
  // Block sync asks any connected peer, rotating.
  virtual void SendToAnyPeer(const std::string& frame) = 0;
};

// The real BlockExecutor: the contracts over the node's ledger.
class ContractsBlockExecutor final : public BlockExecutor {
 public:
  // Borrows `executor`, which outlives this object.
  explicit ContractsBlockExecutor(const contracts::LedgerExecutor& executor) : executor_(executor) {}
  Result<ExecutedBlock> Execute(const pb::Batch& batch, const pb::CommitCertificate& certificate) override {
    return executor_.Execute(batch, certificate);
  }

 private:
  const contracts::LedgerExecutor& executor_;
};

}  // namespace cc::node
