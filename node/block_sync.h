// Block sync: how a node that is behind (new, restarted, partitioned, or an
// observer) obtains committed blocks with their certificates from peers.
//
// Server side: Serve() answers a BlockSyncRequest from the local ledger, at most
// kMaxBlocksPerResponse blocks and about kMaxResponseBytes, plus the tip height.
// Client side: a SyncClient tracks the highest height known to exist (from peers'
// status announcements and sync responses, or a replica's fetch request) and asks
// one peer at a time for the next range, re-asking another peer after a timeout.
// It never trusts what comes back: the consumer verifies every certificate
// (validators through the replica's Fetched event, observers with
// ledger::VerifyCertificate) before anything is executed or stored.
//
// Thread safety: SyncClient is thread-safe; Serve is a pure function of the ledger.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

#include "common/clock.h"
#include "ledger/ledger.h"
#include "proto/creditchain.pb.h"

namespace cc::node {

inline constexpr uint32_t kMaxBlocksPerResponse = 64;
inline constexpr size_t kMaxResponseBytes = 8u << 20;

pb::BlockSyncResponse ServeBlockSync(const ledger::Ledger& ledger, const pb::BlockSyncRequest& request);
// The request for the range that starts at `from_height`, as large as a response.
pb::BlockSyncRequest SyncRequestFrom(uint64_t from_height);

class SyncClient {
 public:
  // Borrows `clock` (its steady reading times the retry), which outlives the client.
  explicit SyncClient(const Clock& clock,
                      std::chrono::milliseconds retry_after = std::chrono::milliseconds(1000))
      : clock_(clock), retry_after_(retry_after) {}

  // Something at `height` is known to be committed.
  void NoteRemoteHeight(uint64_t height);
  // Returns the request to send now, if the local ledger (at `local_height`) is
  // behind and no request is outstanding (or the outstanding one timed out).
  std::optional<pb::BlockSyncRequest> Poll(uint64_t local_height);
  // A response arrived (whether or not its blocks were good).
  void OnResponse(const pb::BlockSyncResponse& response);
  // A request was sent outside Poll (the next range of a stream): Poll waits for
  // its answer as for its own.
  void NoteRequestSent();
  uint64_t target() const;

 private:
  const Clock& clock_;
  const std::chrono::milliseconds retry_after_;
  mutable std::mutex mu_;
  uint64_t target_ = 0;
  std::optional<Clock::SteadyTime> outstanding_since_;
};

}  // namespace cc::node
