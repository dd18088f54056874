// The transport against peers that misbehave: unknown keys, garbage, oversized
// lengths, bad signatures, silence, tampering in flight, and peers that never read.
// Each case checks the offender is disconnected and counted, and that the node goes
// on serving its known peers.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "p2p/handshake.h"
#include "p2p/transport.h"
#include "tests/p2p/test_net.h"

namespace cc::p2p {
namespace {

using namespace testing;  // NOLINT: test helpers

// A running node whose only peer is `known` (accept-only); the test holds known's
// private key, so it can play that peer by hand.
struct Server {
  explicit Server(TransportOptions options = TestOptions()) : options(std::move(options)) {
    transport = StartTransport(key, {{known.public_key(), "", 0}}, this->options, sink);
  }
  uint16_t port() const { return transport->listen_port(); }
  uint64_t Refused(DisconnectReason r) const { return transport->GetStats().Refused(r); }
  uint64_t KnownDisconnects(DisconnectReason r) const { return transport->GetPeerStats(0).Disconnects(r); }

  TransportOptions options;
  crypto::KeyPair key = crypto::KeyPair::Generate();
  crypto::KeyPair known = crypto::KeyPair::Generate();
  FrameSink sink;
  std::unique_ptr<Transport> transport;
};

// The known peer connects by hand and one frame goes each way: the node still works.
void ExpectServesKnownPeer(Server& s) {
  auto session = RawSession::Dial(RawSocket::Connect(s.port()), s.known, kChainId, s.key.public_key());
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const size_t before = s.sink.size();
  ASSERT_TRUE((*session)->SendFrame("still here"));
  ASSERT_TRUE(s.sink.WaitForCount(before + 1));
  EXPECT_EQ(s.sink.Frames().back(), std::make_pair(PeerIndex{0}, std::string("still here")));
  ASSERT_TRUE(WaitUntil([&] { return s.transport->IsConnected(0); }));
  ASSERT_TRUE(s.transport->Send(0, "reply").ok());
  std::optional<Record> r;
  do {
    r = (*session)->ReadRecord();
  } while (r && r->type == RecordType::kPing);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "reply");
}

std::string Header(uint32_t length) {
  return {static_cast<char>(length >> 24), static_cast<char>(length >> 16), static_cast<char>(length >> 8),
          static_cast<char>(length)};
}

// Sends a valid hello and reads the node's, so the next bytes are a record.
RawSocket ConnectPastHello(uint16_t port) {
  RawSocket sock = RawSocket::Connect(port);
  const crypto::KeyPair k = crypto::KeyPair::Generate();
  Handshake hs(Role::kDialer, k, kChainId, std::string(kBootIdSize, 'x'), k.public_key());
  EXPECT_TRUE(sock.WriteAll(hs.hello()));
  EXPECT_TRUE(sock.ReadExact(kHelloSize).has_value());
  return sock;
}

TEST(P2pTransportAdversarial, TransportWithUnknownKeyIsRefusedAndKnownPeersStillServed) {
  TestNode server;
  TestNode member;
  TestNode stranger;
  server.transport =
      StartTransport(server.key, {{member.key.public_key(), "", 0}}, TestOptions(), *server.sink);
  const uint16_t port = server.transport->listen_port();
  stranger.transport = StartTransport(stranger.key, {{server.key.public_key(), "127.0.0.1", port}},
                                      TestOptions(), *stranger.sink);
  ASSERT_TRUE(WaitUntil([&] {
    return server.transport->GetStats().Refused(DisconnectReason::kUnknownPeer) >= 2 &&
           stranger.transport->GetPeerStats(0).Disconnects(DisconnectReason::kClosedByPeer) >= 2;
  }));
  EXPECT_FALSE(stranger.transport->IsConnected(0));
  EXPECT_EQ(stranger.transport->GetPeerStats(0).connects, 0u);

  member.transport =
      StartTransport(member.key, {{server.key.public_key(), "127.0.0.1", port}}, TestOptions(), *member.sink);
  ASSERT_TRUE(WaitUntil([&] { return server.transport->IsConnected(0); }));
  ASSERT_TRUE(member.transport->Send(0, "from member").ok());
  ASSERT_TRUE(server.transport->Send(0, "to member").ok());
  ASSERT_TRUE(server.sink->WaitForCount(1));
  ASSERT_TRUE(member.sink->WaitForCount(1));
  EXPECT_EQ(server.sink->FramesFrom(0), std::vector<std::string>{"from member"});
  EXPECT_EQ(member.sink->FramesFrom(0), std::vector<std::string>{"to member"});
  EXPECT_EQ(stranger.sink->size(), 0u);
  EXPECT_FALSE(stranger.transport->IsConnected(0));
}

TEST(P2pTransportAdversarial, GarbageIsDisconnected) {
  Server s;
  {
    RawSocket sock = RawSocket::Connect(s.port());
    ASSERT_TRUE(sock.WriteAll(std::string(kHelloSize, 'G')));
    EXPECT_TRUE(sock.WaitClosed());
  }
  ASSERT_TRUE(WaitUntil([&] { return s.Refused(DisconnectReason::kBadHello) == 1; }));
  {
    // A valid hello, then an auth-sized record of random bytes.
    RawSocket sock = ConnectPastHello(s.port());
    ASSERT_TRUE(sock.WriteAll(Header(kAuthRecordLength) + crypto::RandomBytes(kAuthRecordLength)));
    EXPECT_TRUE(sock.WaitClosed());
  }
  ASSERT_TRUE(WaitUntil([&] { return s.Refused(DisconnectReason::kDecryptFailed) == 1; }));
  {
    RawSocket sock = ConnectPastHello(s.port());
    ASSERT_TRUE(sock.WriteAll(Header(3) + "abc"));
    EXPECT_TRUE(sock.WaitClosed());
  }
  ASSERT_TRUE(WaitUntil([&] { return s.Refused(DisconnectReason::kBadHandshake) == 1; }));
  ExpectServesKnownPeer(s);
}

TEST(P2pTransportAdversarial, OversizedLengthPrefixIsDisconnected) {
  TransportOptions o = TestOptions();
  o.max_frame_size = 4096;
  Server s(o);
  {
    // Before authentication nothing longer than an auth record is read.
    RawSocket sock = ConnectPastHello(s.port());
    ASSERT_TRUE(sock.WriteAll(Header(0xFFFFFFFFu)));
    EXPECT_TRUE(sock.WaitClosed());
  }
  ASSERT_TRUE(WaitUntil([&] { return s.Refused(DisconnectReason::kFrameTooLarge) == 1; }));

  // After authentication, as the known peer: the exact limit passes, one more byte
  // and a 4 GiB announcement are refused without being read.
  for (uint32_t length : {static_cast<uint32_t>(4096 + kRecordOverhead + 1), 0xFFFFFFFFu}) {
    auto session = RawSession::Dial(RawSocket::Connect(s.port()), s.known, kChainId, s.key.public_key());
    ASSERT_TRUE(session.ok()) << session.status().ToString();
    ASSERT_TRUE((*session)->SendFrame(std::string(4096, 'L')));
    ASSERT_TRUE((*session)->socket().WriteAll(Header(length)));
    EXPECT_TRUE((*session)->socket().WaitClosed());
  }
  ASSERT_TRUE(WaitUntil([&] { return s.KnownDisconnects(DisconnectReason::kFrameTooLarge) == 2; }));
  ASSERT_TRUE(s.sink.WaitForCount(2));
  EXPECT_EQ(s.sink.FramesFrom(0), std::vector<std::string>(2, std::string(4096, 'L')));
  ExpectServesKnownPeer(s);
}

TEST(P2pTransportAdversarial, ValidButUnknownKeyIsDisconnectedAfterItsHandshake) {
  Server s;
  const crypto::KeyPair stranger = crypto::KeyPair::Generate();
  auto session = RawSession::Dial(RawSocket::Connect(s.port()), stranger, kChainId, s.key.public_key());
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.status().code(), "closed");  // the node hung up instead of answering
  ASSERT_TRUE(WaitUntil([&] { return s.Refused(DisconnectReason::kUnknownPeer) == 1; }));
  EXPECT_FALSE(s.transport->IsConnected(0));
  ExpectServesKnownPeer(s);
}

TEST(P2pTransportAdversarial, BadSignatureOrOtherChainIsRefused) {
  Server s;
  auto forged = RawSession::Dial(RawSocket::Connect(s.port()), s.known, kChainId, s.key.public_key(),
                                 /*corrupt_signature=*/true);
  EXPECT_EQ(forged.status().code(), "closed");
  auto other_chain =
      RawSession::Dial(RawSocket::Connect(s.port()), s.known, "another-chain", s.key.public_key());
  EXPECT_EQ(other_chain.status().code(), "closed");
  ASSERT_TRUE(WaitUntil([&] { return s.Refused(DisconnectReason::kBadSignature) == 2; }));
  EXPECT_EQ(s.transport->GetPeerStats(0).connects, 0u);
  ExpectServesKnownPeer(s);
}

TEST(P2pTransportAdversarial, SilentClientHitsHandshakeTimeout) {
  TransportOptions o = TestOptions();
  o.handshake_timeout = std::chrono::milliseconds(200);
  Server s(o);
  RawSocket sock = RawSocket::Connect(s.port());
  EXPECT_TRUE(sock.WaitClosed());
  ASSERT_TRUE(WaitUntil([&] { return s.Refused(DisconnectReason::kHandshakeTimeout) == 1; }));
  ExpectServesKnownPeer(s);
}

TEST(P2pTransportAdversarial, TooManyPendingHandshakesAreShed) {
  TransportOptions o = TestOptions();
  o.max_pending_handshakes = 2;
  o.handshake_timeout = std::chrono::seconds(30);  // a and b stay pending throughout
  Server s(o);
  // The node accepts in arrival order; a and b never send their hello.
  RawSocket a = RawSocket::Connect(s.port());
  RawSocket b = RawSocket::Connect(s.port());
  RawSocket c = RawSocket::Connect(s.port());
  ASSERT_GE(c.fd(), 0);
  EXPECT_TRUE(c.WaitClosed());
  EXPECT_EQ(s.Refused(DisconnectReason::kTooManyPending), 1u);
}

TEST(P2pTransportAdversarial, SilentAuthenticatedPeerIsPingedThenDropped) {
  TransportOptions o = TestOptions();
  o.keepalive_interval = std::chrono::milliseconds(50);
  o.idle_timeout = std::chrono::milliseconds(400);
  Server s(o);
  auto session = RawSession::Dial(RawSocket::Connect(s.port()), s.known, kChainId, s.key.public_key());
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  std::optional<Record> r = (*session)->ReadRecord();
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->type, RecordType::kPing);
  EXPECT_TRUE((*session)->socket().WaitClosed());
  ASSERT_TRUE(WaitUntil([&] { return s.KnownDisconnects(DisconnectReason::kIdleTimeout) == 1; }));
}

TEST(P2pTransportAdversarial, NewLinkFromAPeerReplacesItsHalfOpenOne) {
  // The peer's old connection is still open (as after a crash whose FIN never came);
  // its new connection must take over rather than be refused as a duplicate.
  Server s;
  auto old_session = RawSession::Dial(RawSocket::Connect(s.port()), s.known, kChainId, s.key.public_key());
  ASSERT_TRUE(old_session.ok()) << old_session.status().ToString();
  auto new_session = RawSession::Dial(RawSocket::Connect(s.port()), s.known, kChainId, s.key.public_key());
  ASSERT_TRUE(new_session.ok()) << new_session.status().ToString();
  EXPECT_TRUE((*old_session)->socket().WaitClosed());
  ASSERT_TRUE(WaitUntil([&] { return s.KnownDisconnects(DisconnectReason::kReplaced) == 1; }));
  ASSERT_TRUE(s.transport->Send(0, "to the new link").ok());
  std::optional<Record> r;
  do {
    r = (*new_session)->ReadRecord();
  } while (r && r->type == RecordType::kPing);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->body, "to the new link");
  EXPECT_EQ(s.transport->GetPeerStats(0).connects, 2u);
}

TEST(P2pTransportAdversarial, TamperedCiphertextInFlightDisconnects) {
  TestNode a;
  TestNode b;
  b.transport = StartTransport(b.key, {{a.key.public_key(), "", 0}}, TestOptions(), *b.sink);
  // In the a->b stream: a's hello, a's auth record, then the first record after it;
  // flip a byte inside that record's ciphertext.
  const size_t flip_at = kHelloSize + kRecordHeaderSize + kAuthRecordLength + kRecordHeaderSize + 5;
  TamperProxy proxy(b.transport->listen_port(), flip_at);
  a.transport =
      StartTransport(a.key, {{b.key.public_key(), "127.0.0.1", proxy.port()}}, TestOptions(), *a.sink);
  ASSERT_TRUE(WaitUntil([&] { return a.transport->IsConnected(0); }));
  ASSERT_TRUE(a.transport->Send(0, "first frame, to be tampered with").ok());
  ASSERT_TRUE(WaitUntil(
      [&] { return b.transport->GetPeerStats(0).Disconnects(DisconnectReason::kDecryptFailed) == 1; }));
  EXPECT_TRUE(proxy.flipped());
  EXPECT_EQ(b.sink->size(), 0u);  // nothing altered was delivered

  // a redials through the proxy (which tampers only once) and the link works again.
  ASSERT_TRUE(
      WaitUntil([&] { return a.transport->GetPeerStats(0).connects == 2 && a.transport->IsConnected(0); }));
  ASSERT_TRUE(a.transport->Send(0, "second frame").ok());
  ASSERT_TRUE(b.sink->WaitForCount(1));
  EXPECT_EQ(b.sink->FramesFrom(0), std::vector<std::string>{"second frame"});
  EXPECT_EQ(proxy.connections(), 2);
}

TEST(P2pTransportAdversarial, PeerThatNeverHandshakesKeepsTheQueueBounded) {
  RawListener listener;  // accepts (in the kernel) and never says a word
  TransportOptions o = TestOptions();
  o.handshake_timeout = std::chrono::milliseconds(200);
  o.max_queue_frames = 8;
  const crypto::KeyPair self = crypto::KeyPair::Generate();
  const crypto::KeyPair silent = crypto::KeyPair::Generate();
  FrameSink sink;
  auto t = StartTransport(self, {{silent.public_key(), "127.0.0.1", listener.port()}}, o, sink);
  int refused = 0;
  for (int i = 0; i < 20; ++i) {
    const Status st = t->Send(0, std::string(100, 'q'));
    if (!st.ok()) {
      EXPECT_EQ(st.code(), "queue_full");
      ++refused;
    }
  }
  EXPECT_EQ(refused, 12);
  PeerStats st = t->GetPeerStats(0);
  EXPECT_EQ(st.queued_frames, 8u);
  EXPECT_EQ(st.queued_bytes, 800u);
  EXPECT_EQ(st.dropped_frames, 12u);
  EXPECT_EQ(st.dropped_bytes, 1200u);
  ASSERT_TRUE(
      WaitUntil([&] { return t->GetPeerStats(0).Disconnects(DisconnectReason::kHandshakeTimeout) >= 2; }));
  EXPECT_FALSE(t->IsConnected(0));
}

TEST(P2pTransportAdversarial, PeerThatStopsReadingCannotExhaustMemory) {
  RawListener listener;  // small receive buffer
  TransportOptions o = TestOptions();
  o.max_queue_frames = 64;
  o.max_queue_bytes = 1 << 20;
  o.idle_timeout = std::chrono::seconds(60);  // the silent reader must not be dropped
  const crypto::KeyPair self = crypto::KeyPair::Generate();
  const crypto::KeyPair slow = crypto::KeyPair::Generate();
  FrameSink sink;
  auto t = StartTransport(self, {{slow.public_key(), "127.0.0.1", listener.port()}}, o, sink);
  auto sock = listener.Accept();
  ASSERT_TRUE(sock.has_value());
  auto session = RawSession::Accept(std::move(*sock), slow, kChainId);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  ASSERT_TRUE(WaitUntil([&] { return t->IsConnected(0); }));

  // Send 64 KiB frames, giving the link a moment to drain after each, until the
  // peer's unread bytes fill the socket buffers and the queue has to drop.
  constexpr size_t kFrame = 64 << 10;
  auto frame = [&](uint32_t i) {
    std::string f(kFrame, static_cast<char>(i));
    f.replace(0, 4, Header(i));
    return f;
  };
  uint32_t attempts = 0;
  uint32_t accepted = 0;
  bool stuck = false;
  uint64_t dropped = 0;
  while (dropped < 20 && attempts < 4000) {
    const Status st = t->Send(0, frame(accepted));
    ++attempts;
    if (st.ok()) {
      ++accepted;
    } else {
      ASSERT_EQ(st.code(), "queue_full");
      ++dropped;
    }
    if (!stuck) {
      stuck =
          !WaitUntil([&] { return t->GetPeerStats(0).queued_frames == 0; }, std::chrono::milliseconds(200));
    }
    const PeerStats now = t->GetPeerStats(0);
    ASSERT_LE(now.queued_bytes, o.max_queue_bytes);
    ASSERT_LE(now.queued_frames, o.max_queue_frames);
  }
  EXPECT_TRUE(stuck);
  EXPECT_EQ(dropped, 20u);
  PeerStats st = t->GetPeerStats(0);
  EXPECT_EQ(st.dropped_frames, 20u);
  EXPECT_TRUE(st.connected);  // slowness alone is not a reason to disconnect
  // What left the queue is bounded by the socket buffers, far below what was offered.
  EXPECT_LT(st.frames_out * kFrame, 64u << 20);
  EXPECT_LE(st.frames_out + st.queued_frames, accepted);

  // Once the peer reads again, every accepted frame arrives, in order, intact.
  for (uint32_t i = 0; i < accepted;) {
    std::optional<Record> r = (*session)->ReadRecord();
    ASSERT_TRUE(r.has_value()) << "frame " << i;
    if (r->type == RecordType::kPing) continue;
    ASSERT_EQ(r->body, frame(i)) << "frame " << i;
    ++i;
  }
  ASSERT_TRUE(WaitUntil([&] { return t->GetPeerStats(0).frames_out == accepted; }));
  EXPECT_EQ(t->GetPeerStats(0).queued_frames, 0u);
}

}  // namespace
}  // namespace cc::p2p
