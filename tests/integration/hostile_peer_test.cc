// Scenario 5 of issue 4: hostile clients on a running validator's P2P port. Each
// is disconnected by the node (docs/p2p.md, "Failure handling"); the node keeps its
// real links and the network keeps committing.
#include <thread>

#include "crypto/keys.h"
#include "tests/integration/network_fixture.h"
#include "tests/integration/raw_peer.h"

namespace cc::integration {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// Well past the node's handshake_timeout (5 s): the bound for every "closed" check.
constexpr auto kCloseDeadline = seconds(20);

std::string AbsurdLengthRecord() {
  std::string bytes("\xFF\xFF\xFF\xF0", 4);  // announces a 4 GiB record
  return bytes + crypto::RandomBytes(1000);
}

TEST_F(CreditdNetwork, HostilePeersAreDisconnectedAndTheNodeKeepsRunning) {
  const size_t target = 1;
  const size_t observer = net_->size() - 1;
  const uint16_t port = net_->node(target).p2p_port;
  auto target_key = crypto::LoadKeyFile(net_->node(target).key_file);
  ASSERT_TRUE(target_key.ok()) << target_key.status().ToString();
  const std::string identity = target_key->public_key();

  // Silent clients that connect and never send a byte; checked at the end.
  std::vector<std::unique_ptr<RawPeer>> silent;
  for (int k = 0; k < 8; ++k) {
    silent.push_back(RawPeer::Connect(port));
    ASSERT_NE(silent.back(), nullptr);
  }

  {
    SCOPED_TRACE("random garbage instead of a hello");
    auto peer = RawPeer::Connect(port);
    ASSERT_NE(peer, nullptr);
    (void)peer->Send(crypto::RandomBytes(4096));
    EXPECT_EQ(peer->WaitForClose(kCloseDeadline), RawPeer::End::kClosed);
  }
  {
    SCOPED_TRACE("an absurd length prefix instead of a hello");
    auto peer = RawPeer::Connect(port);
    ASSERT_NE(peer, nullptr);
    (void)peer->Send(AbsurdLengthRecord());
    EXPECT_EQ(peer->WaitForClose(kCloseDeadline), RawPeer::End::kClosed);
  }
  {
    SCOPED_TRACE("a valid hello, then an absurd record length");
    HandshakeDialer dialer(crypto::KeyPair::Generate(), net_->chain_id(), identity);
    CC_ASSERT_OK(dialer.ConnectAndHello(port, kCloseDeadline));
    (void)dialer.connection().Send(AbsurdLengthRecord());
    size_t received = 0;
    EXPECT_EQ(dialer.connection().WaitForClose(kCloseDeadline, &received), RawPeer::End::kClosed);
    EXPECT_EQ(received, 0u);
  }
  {
    SCOPED_TRACE("a complete, validly signed handshake with an unknown key");
    HandshakeDialer dialer(crypto::KeyPair::Generate(), net_->chain_id(), identity);
    CC_ASSERT_OK(dialer.ConnectAndHello(port, kCloseDeadline));
    CC_ASSERT_OK(dialer.SendAuth());
    const Status answer = dialer.ReadAcceptorAuth(kCloseDeadline);
    EXPECT_EQ(answer.code(), "closed") << "the node must close without revealing its identity, got: "
                                       << (answer.ok() ? "its auth record" : answer.ToString());
  }
  {
    SCOPED_TRACE("control: the same handshake with a key in the node's peer list is answered");
    // (The observer's key: the node swaps its observer link for this one, and
    // redials the observer once we hang up.)
    auto known = crypto::LoadKeyFile(net_->node(observer).key_file);
    ASSERT_TRUE(known.ok()) << known.status().ToString();
    HandshakeDialer dialer(*known, net_->chain_id(), identity);
    CC_ASSERT_OK(dialer.ConnectAndHello(port, kCloseDeadline));
    CC_ASSERT_OK(dialer.SendAuth());
    CC_ASSERT_OK(dialer.ReadAcceptorAuth(kCloseDeadline));
  }
  for (size_t k = 0; k < silent.size(); ++k) {
    SCOPED_TRACE("silent client " + std::to_string(k));
    EXPECT_EQ(silent[k]->WaitForClose(kCloseDeadline), RawPeer::End::kClosed);
  }

  // The node is alive, back on all its links, and the network commits a new
  // transaction submitted through it.
  auto api = net_->Api(target);
  auto health = api->Healthz();
  ASSERT_TRUE(health.ok()) << health.status().ToString();
  EXPECT_EQ(*health, 200);
  const auto deadline = std::chrono::steady_clock::now() + kProgressDeadline;
  for (;;) {
    auto s = api->Status();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    if (s->peers_connected == s->peers_total) break;
    std::string down;
    for (const auto& name : s->disconnected_peers) down += " " + name;
    ASSERT_TRUE(std::chrono::steady_clock::now() < deadline)
        << "only " << s->peers_connected << " of " << s->peers_total << " peers reconnected; down:" << down;
    std::this_thread::sleep_for(milliseconds(50));
  }
  const SignedTx tx = factory_->MakeOne();
  auto committed = api->SubmitAndWait(tx.raw, 20000);
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_TRUE(committed->committed) << "HTTP " << committed->http_status << " " << committed->error_code;
  auto scans = CheckConsistent(AllNodes(*net_), {tx.id});
  ASSERT_TRUE(scans.ok()) << scans.status().ToString();
  EXPECT_TRUE(net_->Alive(target)) << net_->node(target).name << " exited";
}

}  // namespace
}  // namespace cc::integration
