#include "node/block_sync.h"

#include <gtest/gtest.h>

#include "ledger/memory_ledger.h"
#include "tests/ledger/chain_builder.h"

namespace cc::node {
namespace {

TEST(BlockSync, ServesARangeFromTheLedgerWithTheTip) {
  ledger::MemoryLedger ledger;
  ledger::testing::ChainBuilder chain;
  for (int i = 0; i < 5; ++i) {
    auto block = chain.Next(3);
    ASSERT_TRUE(ledger.Append(block, ledger::testing::ChainBuilder::WritesFor(block)).ok());
  }
  pb::BlockSyncRequest req;
  req.set_from_height(2);
  req.set_max_blocks(2);
  auto resp = ServeBlockSync(ledger, req);
  EXPECT_EQ(resp.tip_height(), 5u);
  ASSERT_EQ(resp.blocks_size(), 2);
  EXPECT_EQ(resp.blocks(0).block().header().height(), 2u);
  EXPECT_EQ(resp.blocks(1).block().header().height(), 3u);
  // Requests past the tip, from 0, or for absurd counts are answered within bounds.
  req.set_from_height(9);
  EXPECT_EQ(ServeBlockSync(ledger, req).blocks_size(), 0);
  req.set_from_height(0);
  req.set_max_blocks(1000000);
  EXPECT_EQ(ServeBlockSync(ledger, req).blocks_size(), 5);
}

TEST(SyncClient, AsksOnlyWhenBehindAndRetriesAfterTimeout) {
  FakeClock clock(1'700'000'000'000);
  SyncClient client(clock, std::chrono::milliseconds(1000));
  EXPECT_FALSE(client.Poll(0).has_value());  // nothing known to exist
  client.NoteRemoteHeight(10);
  auto req = client.Poll(4);
  ASSERT_TRUE(req.has_value());
  EXPECT_EQ(req->from_height(), 5u);
  clock.Advance(std::chrono::milliseconds(999));
  EXPECT_FALSE(client.Poll(4).has_value());  // still outstanding
  clock.Advance(std::chrono::milliseconds(1));
  EXPECT_TRUE(client.Poll(4).has_value());    // timed out: asks again
  EXPECT_FALSE(client.Poll(10).has_value());  // caught up
  pb::BlockSyncResponse resp;
  resp.set_tip_height(12);
  client.OnResponse(resp);
  EXPECT_EQ(client.target(), 12u);
}

TEST(SyncClient, OneOutstandingRequestUntilItTimesOut) {
  FakeClock clock(1'700'000'000'000);
  SyncClient client(clock, std::chrono::hours(1));
  client.NoteRemoteHeight(3);
  EXPECT_TRUE(client.Poll(0).has_value());
  EXPECT_FALSE(client.Poll(0).has_value());  // outstanding
  client.OnResponse(pb::BlockSyncResponse());
  EXPECT_TRUE(client.Poll(0).has_value());  // answered: may ask again
}

// The next range of a stream, sent straight after an answer, counts as the
// outstanding request: Poll does not ask again for blocks already on their way.
TEST(SyncClient, AStreamedRequestIsOutstandingLikeAPolledOne) {
  FakeClock clock(1'700'000'000'000);
  SyncClient client(clock, std::chrono::milliseconds(1000));
  client.NoteRemoteHeight(500);
  ASSERT_TRUE(client.Poll(0).has_value());
  client.OnResponse(pb::BlockSyncResponse());
  client.NoteRequestSent();
  EXPECT_FALSE(client.Poll(64).has_value());
  clock.Advance(std::chrono::milliseconds(1000));
  EXPECT_TRUE(client.Poll(64).has_value());  // unanswered for the retry period
}

}  // namespace
}  // namespace cc::node
