#include "tests/netns/link_model.h"

#include <gtest/gtest.h>

namespace cc::netns {
namespace {

using std::chrono::milliseconds;

TEST(ParseProfile, ReadsNetemWords) {
  auto p = ParseProfile({"delay", "50ms", "10ms", "loss", "1.5%", "reorder", "25%"});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->delay, milliseconds(50));
  EXPECT_EQ(p->jitter, milliseconds(10));
  EXPECT_DOUBLE_EQ(p->loss, 0.015);
  EXPECT_DOUBLE_EQ(p->reorder, 0.25);
  EXPECT_EQ(p->ToString(), "delay 50ms 10ms loss 1.5% reorder 25%");

  auto d = ParseProfile({"delay", "1s"});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->delay, milliseconds(1000));
  EXPECT_EQ(d->jitter, Nanos(0));
  auto us = ParseProfile({"delay", "250us", "loss", "0%"});
  ASSERT_TRUE(us.ok());
  EXPECT_EQ(us->delay, std::chrono::microseconds(250));

  auto clear = ParseProfile({"clear"});
  ASSERT_TRUE(clear.ok());
  EXPECT_EQ(*clear, LinkProfile{});
  EXPECT_EQ(clear->ToString(), "none");
}

TEST(ParseProfile, RefusesWhatNetemWouldNot) {
  for (const auto& words : std::vector<std::vector<std::string>>{{},
                                                                 {"delay"},
                                                                 {"delay", "50"},
                                                                 {"delay", "-5ms"},
                                                                 {"delay", "50ms", "10"},
                                                                 {"loss", "5"},
                                                                 {"loss", "101%"},
                                                                 {"reorder", "x%"},
                                                                 {"duplicate", "1%"},
                                                                 {"clear", "delay", "1ms"}}) {
    auto p = ParseProfile(words);
    EXPECT_FALSE(p.ok()) << ::testing::PrintToString(words);
    if (!p.ok()) {
      EXPECT_EQ(p.status().code(), "usage");
    }
  }
}

TEST(LinkModel, DelaysWhatAHostSendsWithinTheJitter) {
  LinkModel m(3, 1);
  LinkProfile p;
  p.delay = milliseconds(50);
  p.jitter = milliseconds(10);
  m.SetProfile(0, p);
  Nanos now(0);
  for (int k = 0; k < 1000; ++k) {
    now += milliseconds(20);  // spaced wider than the jitter: order never binds
    auto due = m.Route(0, 1, now);
    ASSERT_TRUE(due);
    EXPECT_GE(*due - now, milliseconds(40));
    EXPECT_LE(*due - now, milliseconds(60));
  }
  // Host 1 has no profile: what it sends leaves at once.
  auto back = m.Route(1, 0, now);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, now);
}

TEST(LinkModel, KeepsEachPairInOrderUnlessAskedToReorder) {
  LinkModel m(2, 7);
  LinkProfile p;
  p.delay = milliseconds(50);
  p.jitter = milliseconds(20);
  m.SetProfile(0, p);
  Nanos now(0), last(0);
  for (int k = 0; k < 2000; ++k) {
    now += std::chrono::microseconds(100);  // far closer than the jitter
    auto due = m.Route(0, 1, now);
    ASSERT_TRUE(due);
    EXPECT_GE(*due, last);
    last = *due;
  }

  p.reorder = 0.5;
  m.SetProfile(0, p);
  int overtaking = 0;
  for (int k = 0; k < 2000; ++k) {
    now += std::chrono::microseconds(100);
    auto due = m.Route(0, 1, now);
    ASSERT_TRUE(due);
    if (*due == now) ++overtaking;
  }
  EXPECT_GT(overtaking, 800);
  EXPECT_LT(overtaking, 1200);
}

TEST(LinkModel, LosesAboutTheGivenShare) {
  LinkModel m(2, 3);
  LinkProfile p;
  p.loss = 0.1;
  m.SetProfile(1, p);
  int lost = 0;
  for (int k = 0; k < 10000; ++k) {
    if (!m.Route(1, 0, Nanos(k))) ++lost;
  }
  EXPECT_GT(lost, 800);
  EXPECT_LT(lost, 1200);
}

TEST(LinkModel, CutsLinksAndSingleDirections) {
  LinkModel m(4, 1);
  m.Cut(2);
  EXPECT_FALSE(m.Route(2, 0, Nanos(0)));
  EXPECT_FALSE(m.Route(0, 2, Nanos(0)));
  EXPECT_TRUE(m.Route(0, 1, Nanos(0)));

  m.CutOneWay(0, 1);
  EXPECT_FALSE(m.Route(0, 1, Nanos(0)));
  EXPECT_TRUE(m.Route(1, 0, Nanos(0)));  // the other direction still flows
  EXPECT_TRUE(m.Route(0, 3, Nanos(0)));
  EXPECT_NE(m.Describe().find("host 0: none; drops to host 1"), std::string::npos) << m.Describe();
  EXPECT_NE(m.Describe().find("host 2: none; link cut"), std::string::npos) << m.Describe();

  m.Heal(2);
  EXPECT_TRUE(m.Route(2, 0, Nanos(0)));
  EXPECT_FALSE(m.Route(0, 1, Nanos(0)));
  m.CutOneWay(3, 0);
  m.Heal(0);  // the one-way cuts from and to host 0
  EXPECT_TRUE(m.Route(0, 1, Nanos(0)));
  EXPECT_TRUE(m.Route(3, 0, Nanos(0)));

  m.Cut(1);
  m.CutOneWay(2, 3);
  m.Heal();
  EXPECT_TRUE(m.Route(1, 0, Nanos(0)));
  EXPECT_TRUE(m.Route(2, 3, Nanos(0)));
}

TEST(LinkModel, SameSeedSameDecisions) {
  LinkProfile p;
  p.delay = milliseconds(5);
  p.jitter = milliseconds(5);
  p.loss = 0.2;
  LinkModel a(2, 42), b(2, 42);
  a.SetProfile(0, p);
  b.SetProfile(0, p);
  for (int k = 0; k < 500; ++k) EXPECT_EQ(a.Route(0, 1, Nanos(k * 1000)), b.Route(0, 1, Nanos(k * 1000)));
}

}  // namespace
}  // namespace cc::netns
