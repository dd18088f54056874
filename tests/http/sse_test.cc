#include "http/sse.h"

#include <gtest/gtest.h>

#include <atomic>

namespace cc::http {
namespace {

std::string Drain(SseStream& s, bool* open = nullptr) {
  std::string out;
  const bool o = s.TakeBuffered(&out);
  if (open != nullptr) *open = o;
  return out;
}

TEST(SseStream, FormatsEventsWithIdNameAndOneDataFieldPerLine) {
  SseStream s;
  ASSERT_TRUE(s.Push("alert", "{\"h\":1}", "7"));
  ASSERT_TRUE(s.Push("", "line1\nline2\r\nline3\rline4"));
  ASSERT_TRUE(s.Push("bad\nname", "x", "i\rd"));
  ASSERT_TRUE(s.PushComment("keep-alive"));
  EXPECT_EQ(Drain(s),
            "id: 7\nevent: alert\ndata: {\"h\":1}\n\n"
            "data: line1\ndata: line2\ndata: line3\ndata: line4\n\n"
            "id: i d\nevent: bad name\ndata: x\n\n"
            ": keep-alive\n\n");
  EXPECT_EQ(Drain(s), "");
}

TEST(SseStream, WakesTheWriterOnPushAndClose) {
  SseStream s;
  int wakes = 0;
  s.AttachWriter([&] { ++wakes; });
  EXPECT_EQ(wakes, 0);
  ASSERT_TRUE(s.Push("e", "d"));
  EXPECT_EQ(wakes, 1);
  s.Close();
  EXPECT_EQ(wakes, 2);
  // Attaching to a stream with pending data wakes at once.
  SseStream t;
  ASSERT_TRUE(t.Push("e", "d"));
  int late = 0;
  t.AttachWriter([&] { ++late; });
  EXPECT_EQ(late, 1);
}

TEST(SseStream, ProducerCloseFlushesBufferedEventsThenEnds) {
  SseStream s;
  int closes = 0;
  s.SetOnClose([&] { ++closes; });
  ASSERT_TRUE(s.Push("e", "last"));
  s.Close();
  s.Close();
  EXPECT_EQ(closes, 1);
  EXPECT_TRUE(s.closed());
  EXPECT_EQ(s.close_reason(), SseStream::CloseReason::kClosed);
  EXPECT_FALSE(s.Push("e", "after close"));
  bool open = true;
  EXPECT_EQ(Drain(s, &open), "event: e\ndata: last\n\n");
  EXPECT_FALSE(open);
}

TEST(SseStream, OverflowClosesInsteadOfDroppingSilently) {
  SseStream s(2);
  std::atomic<int> closes{0};
  s.SetOnClose([&] { ++closes; });
  EXPECT_TRUE(s.Push("e", "1"));
  EXPECT_TRUE(s.Push("e", "2"));
  EXPECT_FALSE(s.Push("e", "3"));
  EXPECT_EQ(s.close_reason(), SseStream::CloseReason::kOverflow);
  EXPECT_EQ(closes.load(), 1);
  bool open = true;
  EXPECT_EQ(Drain(s, &open), "");  // nothing is written after an overflow
  EXPECT_FALSE(open);
  // Draining in time keeps the stream open.
  SseStream t(2);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(t.Push("e", std::to_string(i)));
    Drain(t);
  }
  EXPECT_FALSE(t.closed());
}

TEST(SseStream, DetachWriterClosesWithReasonAndStopsWaking) {
  SseStream s;
  int wakes = 0;
  int closes = 0;
  s.AttachWriter([&] { ++wakes; });
  s.SetOnClose([&] { ++closes; });
  ASSERT_TRUE(s.Push("e", "x"));
  s.DetachWriter(SseStream::CloseReason::kDisconnected);
  EXPECT_EQ(s.close_reason(), SseStream::CloseReason::kDisconnected);
  EXPECT_EQ(closes, 1);
  const int before = wakes;
  EXPECT_FALSE(s.Push("e", "y"));
  s.Close();
  EXPECT_EQ(wakes, before);
  EXPECT_EQ(Drain(s), "");
  // A callback set after closing runs at once.
  int late = 0;
  s.SetOnClose([&] { ++late; });
  EXPECT_EQ(late, 1);
}

}  // namespace
}  // namespace cc::http
