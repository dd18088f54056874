// AlertsInBlock (which transactions raise an alert), AlertHub (scanning on its own
// thread, SSE delivery, resume after Last-Event-ID with a gap notice, limits), and
// the JSON helpers the alerts use.
#include "monitor/alerts.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>

#include "contracts/retention.h"
#include "crypto/keys.h"
#include "proto/canonical.h"
#include "wire/credit_json.h"

namespace cc::monitor {
namespace {

const std::string kWatched(32, 'W');
const std::string kOther(32, 'O');

std::string EventTx(const std::string& sender, const std::string& subject, pb::EventType type,
                    uint64_t nonce) {
  pb::SignedTx tx;
  auto* body = tx.mutable_body();
  body->set_chain_id("c");
  body->set_sender(sender);
  body->set_nonce(nonce);
  auto* e = body->mutable_record_event();
  e->set_subject_key(subject);
  e->set_event_type(type);
  tx.set_signature(std::string(64, 's'));
  return tx.SerializeAsString();
}

std::string BlacklistTx(const std::string& sender, const std::string& subject, uint64_t nonce) {
  pb::SignedTx tx;
  auto* body = tx.mutable_body();
  body->set_sender(sender);
  body->set_nonce(nonce);
  body->mutable_add_blacklist()->set_subject_key(subject);
  body->mutable_add_blacklist()->set_reason(pb::BLACKLIST_FRAUD);
  return tx.SerializeAsString();
}

TEST(AlertsInBlock, OnlyAcceptedNegativeReportsByOthersOnWatchedSubjects) {
  pb::Block block;
  block.mutable_header()->set_height(12);
  block.mutable_header()->set_timestamp_ms(1795500000000);
  block.add_txs(EventTx("member-1", kWatched, pb::EVENT_DEFAULT, 1));          // 0: alert
  block.add_txs(EventTx("member-0", kWatched, pb::EVENT_DEFAULT, 2));          // 1: own report
  block.add_txs(EventTx("member-1", kOther, pb::EVENT_OVERDUE_90, 3));         // 2: not watched
  block.add_txs(EventTx("member-1", kWatched, pb::EVENT_LOAN_OPENED, 4));      // 3: not negative
  block.add_txs(EventTx("member-2", kWatched, pb::EVENT_FRAUD_CONFIRMED, 5));  // 4: rejected
  block.add_txs("not a transaction");                                          // 5: unparsable
  block.add_txs(BlacklistTx("member-3", kWatched, 6));                         // 6: alert
  block.add_txs(EventTx("member-2", kWatched, pb::EVENT_OVERDUE_30, 7));       // 7: alert
  const std::string rejected = proto::TxId(block.txs(4));
  auto alerts = AlertsInBlock(
      block, "member-0", [&](const std::string& id) { return id != rejected; },
      [](const std::string& s) { return s == kWatched; });
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[0].kind, "negative_event");
  EXPECT_EQ(alerts[0].detail, "default");
  EXPECT_EQ(alerts[0].reporter, "member-1");
  EXPECT_EQ(alerts[0].id, 12 * kAlertIdsPerBlock + 0);
  EXPECT_EQ(alerts[0].tx_id, proto::TxId(block.txs(0)));
  EXPECT_EQ(alerts[0].block_time_ms, 1795500000000u);
  EXPECT_EQ(alerts[1].kind, "blacklist");
  EXPECT_EQ(alerts[1].detail, "fraud");
  EXPECT_EQ(alerts[1].id, 12 * kAlertIdsPerBlock + 6);
  EXPECT_EQ(alerts[2].detail, "overdue_30");
  EXPECT_EQ(alerts[2].ToJson()["event_type"], "overdue_30");
  EXPECT_EQ(alerts[1].ToJson()["reason"], "fraud");
}

Alert MakeAlert(uint64_t height, uint32_t index) {
  Alert a;
  a.height = height;
  a.index = index;
  a.id = height * kAlertIdsPerBlock + index;
  a.kind = "negative_event";
  a.detail = "default";
  a.subject_key = kWatched;
  a.tx_id = std::string(32, static_cast<char>('A' + index));
  a.reporter = "member-1";
  return a;
}

// Everything written to a stream so far (as the server would take it).
std::string Drain(http::SseStream& s) {
  std::string out;
  (void)s.TakeBuffered(&out);
  return out;
}

TEST(AlertHub, ScansCommittedBlocksInOrderOnItsThread) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<uint64_t> scanned;
  AlertHub hub(
      [&](uint64_t h) {
        std::lock_guard<std::mutex> lock(mu);
        scanned.push_back(h);
        cv.notify_all();
        return h == 7 ? std::vector<Alert>{MakeAlert(7, 3)} : std::vector<Alert>{};
      },
      /*start_height=*/5, AlertHub::Options{}, nullptr);
  hub.NoteCommitted(4);  // already known: nothing to scan
  hub.NoteCommitted(8);
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return scanned.size() == 3; }));
  EXPECT_EQ(scanned, (std::vector<uint64_t>{6, 7, 8}));
  lock.unlock();
  // scanned_height is published after the block's alerts.
  while (hub.scanned_height() < 8) std::this_thread::yield();
  auto recent = hub.Recent(0, 10);
  ASSERT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent[0].id, 7 * kAlertIdsPerBlock + 3);
}

TEST(AlertHub, StreamsResumeAfterLastEventIdAndReportGaps) {
  AlertHub::Options options;
  options.ring_size = 3;
  AlertHub hub([](uint64_t) { return std::vector<Alert>{}; }, /*start_height=*/9, options, nullptr);
  for (uint32_t i = 0; i < 5; ++i) hub.Publish(MakeAlert(10, i));
  hub.Publish(MakeAlert(10, 1));  // not above the last id: ignored
  EXPECT_EQ(hub.alerts_raised(), 5u);

  // Live subscriber: sees only what comes next.
  auto live = std::make_shared<http::SseStream>(100);
  ASSERT_TRUE(hub.Subscribe(live, std::nullopt).ok());
  EXPECT_EQ(Drain(*live), "");
  hub.Publish(MakeAlert(11, 0));
  const std::string got = Drain(*live);
  EXPECT_NE(got.find("id: 11000000\nevent: alert\ndata: {"), std::string::npos) << got;

  // Resume inside the ring: the alerts after the id, no gap.
  auto resumed = std::make_shared<http::SseStream>(100);
  ASSERT_TRUE(hub.Subscribe(resumed, 10 * kAlertIdsPerBlock + 3).ok());
  std::string replay = Drain(*resumed);
  EXPECT_EQ(replay.find("event: gap"), std::string::npos) << replay;
  EXPECT_NE(replay.find("id: 10000004\n"), std::string::npos) << replay;
  EXPECT_NE(replay.find("id: 11000000\n"), std::string::npos) << replay;
  EXPECT_EQ(replay.find("id: 10000003\n"), std::string::npos) << replay;

  // Resume from before the ring (ids 10000000..10000002 were evicted): gap first.
  auto old = std::make_shared<http::SseStream>(100);
  ASSERT_TRUE(hub.Subscribe(old, 10 * kAlertIdsPerBlock + 0).ok());
  replay = Drain(*old);
  ASSERT_EQ(replay.rfind("event: gap\n", 0), 0u) << replay;
  EXPECT_NE(replay.find("\"resumes_at_id\":10000003"), std::string::npos) << replay;
  EXPECT_NE(replay.find("id: 10000003\n"), std::string::npos) << replay;

  EXPECT_EQ(hub.open_streams(), 3u);
  live->Close();  // the on-close callback unsubscribes it
  EXPECT_EQ(hub.open_streams(), 2u);
}

TEST(AlertHub, AHubThatStartedAtGenesisReportsNoGap) {
  AlertHub hub([](uint64_t) { return std::vector<Alert>{}; }, /*start_height=*/0, AlertHub::Options{},
               nullptr);
  hub.Publish(MakeAlert(3, 1));
  auto stream = std::make_shared<http::SseStream>(100);
  ASSERT_TRUE(hub.Subscribe(stream, 0).ok());
  const std::string replay = Drain(*stream);
  EXPECT_EQ(replay.find("event: gap"), std::string::npos) << replay;
  EXPECT_EQ(replay.rfind("id: 3000001\n", 0), 0u) << replay;
}

TEST(AlertHub, LimitsOpenStreamsAndClosesThemOnDestruction) {
  AlertHub::Options options;
  options.max_streams = 2;
  auto a = std::make_shared<http::SseStream>();
  auto b = std::make_shared<http::SseStream>();
  auto c = std::make_shared<http::SseStream>();
  {
    AlertHub hub([](uint64_t) { return std::vector<Alert>{}; }, 0, options, nullptr);
    ASSERT_TRUE(hub.Subscribe(a, std::nullopt).ok());
    ASSERT_TRUE(hub.Subscribe(b, std::nullopt).ok());
    Status st = hub.Subscribe(c, std::nullopt);
    EXPECT_EQ(st.code(), "too_many_streams");
  }
  EXPECT_TRUE(a->closed());
  EXPECT_TRUE(b->closed());
  EXPECT_FALSE(c->closed());
  b->Close();  // a callback after the hub is gone is harmless
}

}  // namespace
}  // namespace cc::monitor
