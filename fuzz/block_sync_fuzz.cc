// Block-sync traffic from peers (node/block_sync.h), the input being one PeerFrame
// as it arrives from the transport (node/node_peers.cc Node::OnFrame parses it the
// same way):
//   sync_request   answered from the local ledger by ServeBlockSync;
//   sync_response  noted by the SyncClient, then its blocks go where the node sends
//                  them: to an observer's BlockFollower (check, verify the
//                  certificate, re-execute, append) and to a validator's replica
//                  (a FetchedEvent: it verifies and commits them itself);
//   status         noted by the SyncClient.
//
// The honest chain is FuzzChain::Populated() (two certified blocks). Checks: an
// answer holds at most kMaxBlocksPerResponse consecutive blocks from the asked
// height and the real tip; an observer's ledger only ever holds a prefix of the
// honest chain (no forged or altered block is stored), and the replica commits
// nothing but the honest chain's batches. A response with no acceptable block
// changes nothing.
#include <google/protobuf/stubs/logging.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/log.h"
#include "consensus/replica.h"
#include "contracts/ledger_executor.h"
#include "crypto/keys.h"
#include "fuzz/fuzz_chain.h"
#include "fuzz/fuzz_input.h"
#include "ledger/memory_ledger.h"
#include "node/block_follower.h"
#include "node/block_sync.h"
#include "node/seams.h"
#include "proto/canonical.h"

namespace cc::fuzz {
namespace {

const FuzzChain& Chain() {
  static const std::unique_ptr<FuzzChain> chain = FuzzChain::Populated();
  return *chain;
}

class NullSigner final : public consensus::Signer {
 public:
  std::string Sign(std::string_view) override { return std::string(64, 's'); }
};
class Ed25519Verifier final : public consensus::Verifier {
 public:
  bool Verify(uint32_t replica, std::string_view message, std::string_view signature) override {
    const auto keys = ValidatorPublicKeys();
    return replica < keys.size() && crypto::Verify(keys[replica], message, signature);
  }
};

void CheckServed(const pb::BlockSyncRequest& request) {
  const ledger::Ledger& ledger = Chain().ledger();
  const pb::BlockSyncResponse response = node::ServeBlockSync(ledger, request);
  FUZZ_CHECK(response.tip_height() == ledger.Height());
  FUZZ_CHECK(response.blocks_size() <= static_cast<int>(node::kMaxBlocksPerResponse));
  uint64_t expect = std::max<uint64_t>(request.from_height(), 1);
  for (const auto& b : response.blocks()) {
    FUZZ_CHECK(b.block().header().height() == expect);
    ++expect;
  }
}

// The observer's path: a BlockFollower over an empty ledger.
void CheckObserver(const std::vector<pb::CertifiedBlock>& blocks) {
  ledger::MemoryLedger ledger;
  contracts::LedgerState state(ledger, FuzzGenesis());
  contracts::LedgerExecutor executor(ledger, FuzzGenesis(), state, nullptr);
  node::ContractsBlockExecutor block_executor(executor);
  node::BlockFollower follower(ledger, block_executor, kFuzzChainId, ValidatorPublicKeys(),
                               [](const contracts::ExecutedBlock&) {});
  // The follower applies heights 1, 2, ... while it has them, stopping at the first
  // it refuses: wait for that many outcomes.
  std::set<uint64_t> heights;
  for (const auto& b : blocks) heights.insert(b.block().header().height());
  uint64_t run = 0;
  while (heights.count(run + 1) != 0 && run < node::BlockFollower::kMaxPendingBlocks) ++run;
  follower.Offer(blocks);
  follower.Start();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (run > 0 && follower.rejected_blocks() == 0 && ledger.Height() < run) {
    FUZZ_CHECK(std::chrono::steady_clock::now() < deadline);
    std::this_thread::yield();
  }
  follower.Stop();
  static const bool verbose = std::getenv("CC_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "observer: %zu blocks offered, %lu appended, %lu refused\n", blocks.size(),
                 static_cast<unsigned long>(ledger.Height()),
                 static_cast<unsigned long>(follower.rejected_blocks()));
  }
  FUZZ_CHECK(ledger.Height() <= Chain().ledger().Height());
  for (uint64_t h = 1; h <= ledger.Height(); ++h) {
    auto mine = ledger.GetBlock(h);
    auto honest = Chain().ledger().GetBlock(h);
    FUZZ_CHECK(mine.ok() && honest.ok());
    FUZZ_CHECK(proto::BlockHash(mine->block().header()) == proto::BlockHash(honest->block().header()));
  }
}

// The validator's path: the blocks as a FetchedEvent to a fresh replica.
void CheckValidator(std::vector<pb::CertifiedBlock> blocks) {
  consensus::Config config;
  config.chain_id = kFuzzChainId;
  config.n = 4;
  config.self = 3;
  NullSigner signer;
  Ed25519Verifier verifier;
  consensus::Replica replica(config, signer, verifier);
  const consensus::Output out = replica.Step(consensus::FetchedEvent{std::move(blocks)});
  static const bool verbose = std::getenv("CC_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "validator: %zu committed\n", out.committed.size());
  uint64_t expect = 1;
  for (const auto& cb : out.committed) {
    FUZZ_CHECK(cb.sequence == expect++);
    auto honest = Chain().ledger().GetBlock(cb.sequence);
    FUZZ_CHECK(honest.ok());
    FUZZ_CHECK(cb.certificate.digest() == honest->block().header().batch_digest());
    FUZZ_CHECK(proto::BatchDigestOf(cb.batch) == cb.certificate.digest());
  }
}

std::string Frame(const pb::PeerFrame& f) { return f.SerializeAsString(); }

}  // namespace

std::vector<Seed> FuzzSeeds() {
  const FuzzChain& chain = Chain();
  std::vector<Seed> seeds;
  pb::PeerFrame all;
  all.mutable_sync_response()->set_tip_height(chain.ledger().Height());
  for (const auto& b : chain.blocks()) *all.mutable_sync_response()->add_blocks() = b;
  seeds.emplace_back("response_whole_chain", Frame(all));
  pb::PeerFrame second = all;
  second.mutable_sync_response()->mutable_blocks()->DeleteSubrange(0, 1);
  seeds.emplace_back("response_gap", Frame(second));
  pb::PeerFrame reversed = all;
  reversed.mutable_sync_response()->mutable_blocks()->SwapElements(0, 1);
  seeds.emplace_back("response_reversed", Frame(reversed));
  pb::PeerFrame forged = all;
  forged.mutable_sync_response()->mutable_blocks(0)->mutable_block()->mutable_header()->set_state_root(
      std::string(32, 'x'));
  seeds.emplace_back("response_wrong_state_root", Frame(forged));
  pb::PeerFrame weak = all;
  weak.mutable_sync_response()->mutable_blocks(0)->mutable_certificate()->mutable_signatures()->RemoveLast();
  seeds.emplace_back("response_two_signatures", Frame(weak));
  pb::PeerFrame dup = all;
  *dup.mutable_sync_response()->add_blocks() = chain.blocks().front();
  seeds.emplace_back("response_duplicate", Frame(dup));
  pb::PeerFrame request;
  request.mutable_sync_request()->set_from_height(1);
  request.mutable_sync_request()->set_max_blocks(64);
  seeds.emplace_back("request_from_1", Frame(request));
  request.mutable_sync_request()->set_from_height(0);
  request.mutable_sync_request()->set_max_blocks(4'000'000'000u);
  seeds.emplace_back("request_huge", Frame(request));
  pb::PeerFrame status;
  status.mutable_status()->set_height(1'000'000);
  status.mutable_status()->set_view(7);
  seeds.emplace_back("status", Frame(status));
  return seeds;
}

}  // namespace cc::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // invalid UTF-8 in string fields is expected here
  cc::SetLogLevel(cc::LogLevel::kError);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cc;
  pb::PeerFrame frame;
  if (!frame.ParseFromArray(data, static_cast<int>(size))) return 0;
  FakeClock clock(fuzz::kFuzzGenesisMs);
  node::SyncClient client(clock);
  switch (frame.kind_case()) {
    case pb::PeerFrame::kSyncRequest:
      fuzz::CheckServed(frame.sync_request());
      break;
    case pb::PeerFrame::kSyncResponse: {
      client.OnResponse(frame.sync_response());
      FUZZ_CHECK(client.target() == frame.sync_response().tip_height());
      std::vector<pb::CertifiedBlock> blocks(frame.sync_response().blocks().begin(),
                                             frame.sync_response().blocks().end());
      if (blocks.empty()) break;
      fuzz::CheckObserver(blocks);
      fuzz::CheckValidator(std::move(blocks));
      break;
    }
    case pb::PeerFrame::kStatus:
      client.NoteRemoteHeight(frame.status().height());
      FUZZ_CHECK(!client.Poll(0).has_value() == (frame.status().height() == 0));
      break;
    default:
      break;
  }
  return 0;
}
