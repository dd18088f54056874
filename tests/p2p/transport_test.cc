// The transport between well-behaved nodes: real sockets on 127.0.0.1.
#include "p2p/transport.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "tests/p2p/test_net.h"

namespace cc::p2p {
namespace {

using namespace testing;  // NOLINT: test helpers

// Deterministic frame contents: byte j of frame `id` of `size` bytes.
std::string MakeFrame(uint32_t id, size_t size) {
  std::string f(size, '\0');
  uint32_t x = id * 2654435761u + 1;
  for (size_t j = 0; j < size; ++j) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    f[j] = static_cast<char>(x);
  }
  return f;
}

TEST(P2pTransport, TwoNodesExchangeFramesBothWays) {
  auto nodes = StartMesh(2, TestOptions());
  ASSERT_TRUE(WaitMeshConnected(nodes));
  ASSERT_TRUE(nodes[0].transport->Send(0, "ping from 0").ok());
  ASSERT_TRUE(nodes[1].transport->Send(0, "pong from 1").ok());
  ASSERT_TRUE(nodes[1].sink->WaitForCount(1));
  ASSERT_TRUE(nodes[0].sink->WaitForCount(1));
  EXPECT_EQ(nodes[1].sink->Frames()[0], std::make_pair(PeerIndex{0}, std::string("ping from 0")));
  EXPECT_EQ(nodes[0].sink->Frames()[0], std::make_pair(PeerIndex{0}, std::string("pong from 1")));

  ASSERT_TRUE(WaitUntil([&] { return nodes[0].transport->GetPeerStats(0).frames_out == 1; }));
  const PeerStats s0 = nodes[0].transport->GetPeerStats(0);
  EXPECT_TRUE(s0.connected);
  EXPECT_EQ(s0.bytes_out, 11u);
  EXPECT_EQ(s0.frames_in, 1u);
  EXPECT_EQ(s0.bytes_in, 11u);
  EXPECT_EQ(s0.dropped_frames, 0u);
  // Node 1 knew node 0's address and dialed; node 0 only accepted.
  EXPECT_EQ(s0.direction, LinkDirection::kInbound);
  EXPECT_EQ(nodes[1].transport->GetPeerStats(0).direction, LinkDirection::kOutbound);
  EXPECT_EQ(s0.dial_attempts, 0u);
}

TEST(P2pTransport, FourNodesConnectAndBroadcastReachesAll) {
  auto nodes = StartMesh(4, TestOptions());
  ASSERT_TRUE(WaitMeshConnected(nodes));
  for (size_t i = 0; i < nodes.size(); ++i) {
    EXPECT_EQ(nodes[i].transport->Broadcast("hello from " + std::to_string(i)), 3u);
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    ASSERT_TRUE(nodes[i].sink->WaitForCount(3)) << "node " << i;
    for (size_t j = 0; j < nodes.size(); ++j) {
      if (j == i) continue;
      EXPECT_EQ(nodes[i].sink->FramesFrom(PeerIndexOf(i, j)),
                std::vector<std::string>{"hello from " + std::to_string(j)})
          << "node " << i << " from " << j;
    }
  }
  // Point-to-point between every pair, both ways.
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (size_t j = 0; j < nodes.size(); ++j) {
      if (i != j) {
        ASSERT_TRUE(nodes[i].transport->Send(PeerIndexOf(i, j), "direct " + std::to_string(i)).ok());
      }
    }
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    ASSERT_TRUE(nodes[i].sink->WaitForCount(6)) << "node " << i;
    for (size_t j = 0; j < nodes.size(); ++j) {
      if (j == i) continue;
      const auto from = nodes[i].sink->FramesFrom(PeerIndexOf(i, j));
      ASSERT_EQ(from.size(), 2u);
      EXPECT_EQ(from[1], "direct " + std::to_string(j));
    }
  }
}

TEST(P2pTransport, ManyFramesArriveIntactAndInOrder) {
  TransportOptions o = TestOptions();
  o.max_frame_size = 1 << 20;
  o.max_queue_frames = 100000;
  o.max_queue_bytes = 256u << 20;
  auto nodes = StartMesh(2, o);
  ASSERT_TRUE(WaitMeshConnected(nodes));

  std::vector<std::string> sent;
  for (uint32_t i = 0; i < 3000; ++i) {
    size_t size = (i * 7919u) % 6000;
    if (i % 10 == 0) size = 0;
    if (i == 1000) size = o.max_frame_size - 1;
    if (i == 2000) size = o.max_frame_size;
    sent.push_back(MakeFrame(i, size));
  }
  // Both directions at once, each from its own thread.
  auto send_all = [&](Transport& t) {
    for (const std::string& f : sent) ASSERT_TRUE(t.Send(0, f).ok());
  };
  std::thread a([&] { send_all(*nodes[0].transport); });
  std::thread b([&] { send_all(*nodes[1].transport); });
  a.join();
  b.join();
  EXPECT_EQ(nodes[0].transport->Send(0, std::string(o.max_frame_size + 1, 'x')).code(), "frame_too_large");

  for (int n = 0; n < 2; ++n) {
    ASSERT_TRUE(nodes[n].sink->WaitForCount(sent.size(), 20s)) << "node " << n;
    const auto got = nodes[n].sink->FramesFrom(0);
    ASSERT_EQ(got.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) ASSERT_EQ(got[i], sent[i]) << "frame " << i;
    const PeerStats st = nodes[n].transport->GetPeerStats(0);
    EXPECT_EQ(st.frames_in, sent.size());
    EXPECT_EQ(st.dropped_frames, 0u);
    EXPECT_EQ(st.Disconnects(DisconnectReason::kDecryptFailed), 0u);
  }
}

TEST(P2pTransport, ConcurrentSendersKeepTheirOwnOrder) {
  auto nodes = StartMesh(2, TestOptions());
  ASSERT_TRUE(WaitMeshConnected(nodes));
  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        ASSERT_TRUE(nodes[0].transport->Send(0, std::to_string(t) + ":" + std::to_string(i)).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(nodes[1].sink->WaitForCount(kThreads * kPerThread));
  std::vector<int> next(kThreads, 0);
  for (const std::string& f : nodes[1].sink->FramesFrom(0)) {
    const int t = std::stoi(f.substr(0, f.find(':')));
    EXPECT_EQ(std::stoi(f.substr(f.find(':') + 1)), next[t]++) << f;
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[t], kPerThread);
}

TEST(P2pTransport, RestartedAcceptorIsRedialed) {
  auto nodes = StartMesh(2, TestOptions());  // node 1 dials node 0
  ASSERT_TRUE(WaitMeshConnected(nodes));
  const uint16_t port = nodes[0].port;

  nodes[0].transport.reset();  // Stop() and destroy
  ASSERT_TRUE(WaitUntil([&] { return !nodes[1].transport->IsConnected(0); }));

  TransportOptions o = TestOptions();
  o.listen_port = port;
  nodes[0].sink = std::make_shared<FrameSink>();
  nodes[0].transport = StartTransport(nodes[0].key, {{nodes[1].key.public_key(), "", 0}}, o, *nodes[0].sink);
  ASSERT_NE(nodes[0].transport, nullptr);
  ASSERT_TRUE(WaitMeshConnected(nodes));

  ASSERT_TRUE(nodes[1].transport->Send(0, "after restart").ok());
  ASSERT_TRUE(nodes[0].sink->WaitForCount(1));
  EXPECT_EQ(nodes[0].sink->FramesFrom(0), std::vector<std::string>{"after restart"});
  ASSERT_TRUE(nodes[0].transport->Send(0, "welcome back").ok());
  ASSERT_TRUE(WaitUntil([&] { return nodes[1].sink->size() == 1; }));

  const PeerStats s1 = nodes[1].transport->GetPeerStats(0);
  EXPECT_EQ(s1.connects, 2u);
  EXPECT_GE(s1.dial_attempts, 2u);
  EXPECT_GE(s1.Disconnects(DisconnectReason::kClosedByPeer), 1u);
}

TEST(P2pTransport, RestartedDialerIsAcceptedAgain) {
  auto nodes = StartMesh(2, TestOptions());
  ASSERT_TRUE(WaitMeshConnected(nodes));
  nodes[1].transport.reset();
  ASSERT_TRUE(WaitUntil([&] { return !nodes[0].transport->IsConnected(0); }));

  nodes[1].sink = std::make_shared<FrameSink>();
  nodes[1].transport = StartTransport(nodes[1].key, {{nodes[0].key.public_key(), "127.0.0.1", nodes[0].port}},
                                      TestOptions(), *nodes[1].sink);
  ASSERT_TRUE(WaitMeshConnected(nodes));
  ASSERT_TRUE(nodes[0].transport->Send(0, "hi again").ok());
  ASSERT_TRUE(nodes[1].sink->WaitForCount(1));
  EXPECT_EQ(nodes[1].sink->FramesFrom(0), std::vector<std::string>{"hi again"});
  EXPECT_EQ(nodes[0].transport->GetPeerStats(0).connects, 2u);
}

TEST(P2pTransport, BothSidesDialingSettleOnOneLink) {
  for (int round = 0; round < 3; ++round) {
    TestNode a;
    TestNode b;
    TransportOptions oa = TestOptions();
    TransportOptions ob = TestOptions();
    oa.dial_grace = ob.dial_grace = std::chrono::milliseconds(0);  // force the race
    oa.listen_port = ReservePort();
    ob.listen_port = ReservePort();
    a.transport = StartTransport(a.key, {{b.key.public_key(), "127.0.0.1", ob.listen_port}}, oa, *a.sink);
    b.transport = StartTransport(b.key, {{a.key.public_key(), "127.0.0.1", oa.listen_port}}, ob, *b.sink);
    ASSERT_NE(a.transport, nullptr);
    ASSERT_NE(b.transport, nullptr);

    // Settled: no dial in flight on either side, and both ends hold the same link
    // (outbound on one side, inbound on the other). Duplicates were closed by the
    // tie-break (link_choice.h), identically on both sides.
    ASSERT_TRUE(WaitUntil([&] {
      const PeerStats sa = a.transport->GetPeerStats(0);
      const PeerStats sb = b.transport->GetPeerStats(0);
      return sa.connected && sb.connected && !sa.dialing && !sb.dialing && sa.direction != sb.direction;
    })) << "round "
        << round;

    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE(a.transport->Send(0, "a" + std::to_string(i)).ok());
      ASSERT_TRUE(b.transport->Send(0, "b" + std::to_string(i)).ok());
    }
    ASSERT_TRUE(a.sink->WaitForCount(50));
    ASSERT_TRUE(b.sink->WaitForCount(50));
    EXPECT_EQ(a.sink->FramesFrom(0).front(), "b0");
    EXPECT_EQ(b.sink->FramesFrom(0).back(), "a49");
    EXPECT_EQ(a.transport->GetPeerStats(0).lost_frames, 0u);
  }
}

TEST(P2pTransport, DialOnlyNodeReachesAnAcceptOnlyPeer) {
  TestNode validator;
  TestNode observer;
  validator.transport =
      StartTransport(validator.key, {{observer.key.public_key(), "", 0}}, TestOptions(), *validator.sink);
  TransportOptions o = TestOptions();
  o.listen = false;
  observer.transport = StartTransport(
      observer.key, {{validator.key.public_key(), "127.0.0.1", validator.transport->listen_port()}}, o,
      *observer.sink);
  EXPECT_EQ(observer.transport->listen_port(), 0);
  ASSERT_TRUE(
      WaitUntil([&] { return validator.transport->IsConnected(0) && observer.transport->IsConnected(0); }));
  EXPECT_EQ(validator.transport->Broadcast("block 1"), 1u);
  ASSERT_TRUE(observer.sink->WaitForCount(1));
  EXPECT_EQ(observer.sink->FramesFrom(0), std::vector<std::string>{"block 1"});
}

TEST(P2pTransport, FramesQueuedWhileDisconnectedAreFlushedOnConnect) {
  TestNode a;
  TestNode b;
  a.transport = StartTransport(a.key, {{b.key.public_key(), "", 0}}, TestOptions(), *a.sink);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(a.transport->Send(0, "early " + std::to_string(i)).ok());
  EXPECT_EQ(a.transport->GetPeerStats(0).queued_frames, 10u);
  b.transport = StartTransport(b.key, {{a.key.public_key(), "127.0.0.1", a.transport->listen_port()}},
                               TestOptions(), *b.sink);
  ASSERT_TRUE(b.sink->WaitForCount(10));
  EXPECT_EQ(b.sink->FramesFrom(0).front(), "early 0");
  EXPECT_EQ(b.sink->FramesFrom(0).back(), "early 9");
  EXPECT_EQ(a.transport->GetPeerStats(0).queued_frames, 0u);
}

TEST(P2pTransport, WithoutQueueingADisconnectedPeerDropsAtOnce) {
  TestNode a;
  TestNode b;
  TransportOptions o = TestOptions();
  o.queue_while_disconnected = false;
  a.transport = StartTransport(a.key, {{b.key.public_key(), "", 0}}, o, *a.sink);
  EXPECT_EQ(a.transport->Send(0, "lost").code(), "not_connected");
  EXPECT_EQ(a.transport->Broadcast("lost too"), 0u);
  const PeerStats st = a.transport->GetPeerStats(0);
  EXPECT_EQ(st.dropped_frames, 2u);
  EXPECT_EQ(st.dropped_bytes, 12u);
  EXPECT_EQ(st.queued_frames, 0u);
}

TEST(P2pTransport, StatusHandlerReportsUpAndDown) {
  // Declared before the nodes so they outlive the handler that uses them.
  std::mutex mu;
  std::vector<std::pair<PeerIndex, bool>> events;
  TestNode a;
  TestNode b;
  auto created = Transport::Create(a.key, {{b.key.public_key(), "", 0}}, TestOptions());
  ASSERT_TRUE(created.ok());
  a.transport = std::move(created).value();
  ASSERT_TRUE(a.transport
                  ->Start(a.sink->Handler(),
                          [&](PeerIndex p, bool up) {
                            std::lock_guard lock(mu);
                            events.emplace_back(p, up);
                          })
                  .ok());
  b.transport = StartTransport(b.key, {{a.key.public_key(), "127.0.0.1", a.transport->listen_port()}},
                               TestOptions(), *b.sink);
  ASSERT_TRUE(WaitUntil([&] { return a.transport->IsConnected(0); }));
  b.transport.reset();
  ASSERT_TRUE(WaitUntil([&] {
    std::lock_guard lock(mu);
    return events.size() == 2;
  }));
  std::lock_guard lock(mu);
  EXPECT_EQ(events[0], std::make_pair(PeerIndex{0}, true));
  EXPECT_EQ(events[1], std::make_pair(PeerIndex{0}, false));
}

TEST(P2pTransport, ConfigurationAndLifecycleErrors) {
  const crypto::KeyPair self = crypto::KeyPair::Generate();
  const crypto::KeyPair other = crypto::KeyPair::Generate();
  TransportOptions o = TestOptions();
  EXPECT_EQ(Transport::Create(self, {{"short", "", 0}}, o).status().code(), "invalid_config");
  EXPECT_EQ(Transport::Create(self, {{self.public_key(), "", 0}}, o).status().code(), "invalid_config");
  EXPECT_EQ(
      Transport::Create(self, {{other.public_key(), "", 0}, {other.public_key(), "", 0}}, o).status().code(),
      "invalid_config");
  TransportOptions no_chain = o;
  no_chain.chain_id.clear();
  EXPECT_EQ(Transport::Create(self, {}, no_chain).status().code(), "invalid_config");

  // Never started: Stop and destruction are safe.
  {
    auto t = Transport::Create(self, {{other.public_key(), "", 0}}, o);
    ASSERT_TRUE(t.ok());
    (*t)->Stop();
    EXPECT_EQ((*t)->Start({}).code(), "stopped");
  }
  // Started: a second Start is refused; Stop is idempotent; Send after Stop fails.
  auto t = Transport::Create(self, {{other.public_key(), "", 0}}, o);
  ASSERT_TRUE(t.ok());
  ASSERT_TRUE((*t)->Start({}).ok());
  EXPECT_EQ((*t)->Start({}).code(), "already_started");
  EXPECT_EQ((*t)->Send(5, "x").code(), "unknown_peer");
  EXPECT_EQ((*t)->FindPeer(other.public_key()), std::optional<PeerIndex>(0));
  EXPECT_EQ((*t)->FindPeer(self.public_key()), std::nullopt);
  // A second transport cannot bind the same port.
  TransportOptions same_port = o;
  same_port.listen_port = (*t)->listen_port();
  auto t2 = Transport::Create(other, {{self.public_key(), "", 0}}, same_port);
  ASSERT_TRUE(t2.ok());
  EXPECT_EQ((*t2)->Start({}).code(), "bind_failed");
  (*t)->Stop();
  (*t)->Stop();
  EXPECT_EQ((*t)->Send(0, "x").code(), "stopped");
}

}  // namespace
}  // namespace cc::p2p
