// BlockPreverifier: checks the client signatures of fetched (or pushed) certified
// blocks on the worker pool, in parallel chunks, before the blocks reach execution.
//
// Execution checks every transaction's signature (contracts::SignatureChecker) one
// after another on one thread; a node catching up on thousands of blocks spent most
// of its time there while the other core idled. Here the signatures of a response's
// blocks are checked in `chunks` pool jobs at once, with the sender's key from the
// current state, and recorded in VerifiedSignatures, so execution finds them
// checked (a sender whose key changes in between is checked again at execution,
// since the record names the key). It is only a head start: a chunk the pool has
// no room for is skipped, and execution still decides every receipt.
//
// Blocks are handed on in the order they were offered, each response once its
// chunks are done. Blocks at or below the highest height already offered are
// handed on without a check (copies: observers get each block from two validators).
//
// Thread safety: Offer may be called from any thread; `deliver` runs on a pool
// thread or the offering thread, one call at a time, in order.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "contracts/state_reader.h"
#include "node/admission.h"
#include "node/worker_pool.h"
#include "proto/creditchain.pb.h"

namespace cc::node {

class BlockPreverifier {
 public:
  using Deliver = std::function<void(std::vector<pb::CertifiedBlock>)>;
  // Borrows `state`, `signatures` and `pool`, which outlive this object.
  BlockPreverifier(const contracts::StateReader& state, VerifiedSignatures& signatures, WorkerPool& pool,
                   size_t chunks, Deliver deliver);

  void Offer(std::vector<pb::CertifiedBlock> blocks);

  // Transactions whose signatures were checked here.
  uint64_t checked() const;

 private:
  struct Response {
    std::vector<pb::CertifiedBlock> blocks;
    std::vector<const std::string*> txs;  // to check, inside `blocks`
    size_t chunks_left = 0;
    bool done = false;
  };
  void CheckRange(const Response& r, size_t begin, size_t end);
  void ChunkDone(uint64_t ticket);
  void DeliverReadyLocked();

  const contracts::StateReader& state_;
  VerifiedSignatures& signatures_;
  WorkerPool& pool_;
  const size_t chunks_;
  const Deliver deliver_;

  mutable std::mutex mu_;
  uint64_t next_ticket_ = 0;
  uint64_t next_delivery_ = 0;
  uint64_t highest_offered_ = 0;
  uint64_t checked_ = 0;
  std::map<uint64_t, std::shared_ptr<Response>> responses_;  // by ticket
};

}  // namespace cc::node
