#include "p2p/handshake.h"

#include <gtest/gtest.h>

#include <string>

#include "common/canonical.h"
#include "crypto/keys.h"
#include "p2p/record_cipher.h"

namespace cc::p2p {
namespace {

const std::string kChain = "chain-a";

std::string Boot(char c) { return std::string(kBootIdSize, c); }

struct Pair {
  crypto::KeyPair dialer_key = crypto::KeyPair::Generate();
  crypto::KeyPair acceptor_key = crypto::KeyPair::Generate();
  Handshake dialer{Role::kDialer, dialer_key, kChain, Boot('d'), acceptor_key.public_key()};
  Handshake acceptor{Role::kAcceptor, acceptor_key, kChain, Boot('a'), ""};

  void ExchangeHellos() {
    ASSERT_TRUE(acceptor.ReadPeerHello(dialer.hello()).ok());
    ASSERT_TRUE(dialer.ReadPeerHello(acceptor.hello()).ok());
  }
};

TEST(P2pHandshake, CompletesWithMatchingKeysAndIdentities) {
  Pair p;
  p.ExchangeHellos();
  ASSERT_TRUE(p.acceptor.ReadPeerAuth(p.dialer.MakeAuth()).ok());
  ASSERT_TRUE(p.dialer.ReadPeerAuth(p.acceptor.MakeAuth()).ok());

  EXPECT_EQ(p.dialer.tx_key(), p.acceptor.rx_key());
  EXPECT_EQ(p.dialer.rx_key(), p.acceptor.tx_key());
  EXPECT_NE(p.dialer.tx_key(), p.dialer.rx_key());
  EXPECT_EQ(p.acceptor.peer_identity(), p.dialer_key.public_key());
  EXPECT_EQ(p.dialer.peer_identity(), p.acceptor_key.public_key());
  EXPECT_EQ(p.acceptor.peer_boot_id(), Boot('d'));
  EXPECT_EQ(p.dialer.peer_boot_id(), Boot('a'));

  // A record sealed by one side opens on the other.
  RecordSealer seal(p.dialer.tx_key());
  RecordOpener open(p.acceptor.rx_key());
  std::string wire;
  seal.Seal(RecordType::kData, "frame", wire);
  auto* header = reinterpret_cast<const unsigned char*>(wire.data());
  auto record = open.Open(header, std::string_view(wire).substr(kRecordHeaderSize));
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->body, "frame");
}

TEST(P2pHandshake, FreshEphemeralKeysEverySession) {
  Pair a;
  Pair b;
  a.ExchangeHellos();
  b.ExchangeHellos();
  EXPECT_NE(a.dialer.hello(), b.dialer.hello());
  EXPECT_NE(a.dialer.tx_key(), b.dialer.tx_key());
}

TEST(P2pHandshake, TranscriptLayoutIsPinned) {
  Pair p;
  p.ExchangeHellos();
  ASSERT_TRUE(p.acceptor.ReadPeerAuth(p.dialer.MakeAuth()).ok());
  // docs/p2p.md: CanonicalWriter(domain) || chain id || signer role (u8) ||
  // dialer ephemeral || acceptor ephemeral || dialer id || acceptor id || signer boot.
  std::string expected;
  auto put_bytes = [&](std::string_view b) {
    const auto n = static_cast<uint32_t>(b.size());
    for (int shift = 24; shift >= 0; shift -= 8) expected.push_back(static_cast<char>(n >> shift));
    expected.append(b);
  };
  put_bytes("creditchain/p2p/handshake/v1");
  put_bytes(kChain);
  expected.push_back('\x01');
  put_bytes(p.dialer.hello().substr(8));
  put_bytes(p.acceptor.hello().substr(8));
  put_bytes(p.dialer_key.public_key());
  put_bytes(p.acceptor_key.public_key());
  put_bytes(Boot('a'));
  EXPECT_EQ(p.acceptor.Transcript(Role::kAcceptor, Boot('a')), expected);
  EXPECT_EQ(p.dialer.Transcript(Role::kAcceptor, Boot('a')), expected);

  // The auth body is identity || boot id || Ed25519 signature of that transcript.
  const std::string auth = p.acceptor.MakeAuth();
  ASSERT_EQ(auth.size(), kAuthBodySize);
  EXPECT_EQ(auth.substr(0, 32), p.acceptor_key.public_key());
  EXPECT_EQ(auth.substr(32, 16), Boot('a'));
  EXPECT_TRUE(crypto::Verify(p.acceptor_key.public_key(), expected, auth.substr(48)));
}

TEST(P2pHandshake, OtherChainIdFailsSignature) {
  crypto::KeyPair dk = crypto::KeyPair::Generate();
  crypto::KeyPair ak = crypto::KeyPair::Generate();
  Handshake dialer(Role::kDialer, dk, "chain-a", Boot('d'), ak.public_key());
  Handshake acceptor(Role::kAcceptor, ak, "chain-b", Boot('a'), "");
  ASSERT_TRUE(acceptor.ReadPeerHello(dialer.hello()).ok());
  ASSERT_TRUE(dialer.ReadPeerHello(acceptor.hello()).ok());
  EXPECT_EQ(acceptor.ReadPeerAuth(dialer.MakeAuth()).code(), "bad_signature");
}

TEST(P2pHandshake, TamperedAuthFailsSignature) {
  Pair p;
  p.ExchangeHellos();
  const std::string good = p.dialer.MakeAuth();
  for (size_t pos : {size_t{0}, size_t{40}, kAuthBodySize - 1}) {
    Pair q;  // a fresh acceptor per attempt: a failed auth ends the handshake
    q.ExchangeHellos();
    std::string auth = q.dialer.MakeAuth();
    auth[pos] ^= 0x01;
    EXPECT_EQ(q.acceptor.ReadPeerAuth(auth).code(), "bad_signature") << "byte " << pos;
  }
  // Someone else's valid key in the identity field does not verify either.
  std::string swapped = good;
  swapped.replace(0, 32, crypto::KeyPair::Generate().public_key());
  EXPECT_EQ(p.acceptor.ReadPeerAuth(swapped).code(), "bad_signature");
  EXPECT_TRUE(p.acceptor.ReadPeerAuth(good).ok());
}

TEST(P2pHandshake, DialerRefusesAnotherIdentity) {
  crypto::KeyPair dk = crypto::KeyPair::Generate();
  crypto::KeyPair wanted = crypto::KeyPair::Generate();
  crypto::KeyPair impostor = crypto::KeyPair::Generate();
  Handshake dialer(Role::kDialer, dk, kChain, Boot('d'), wanted.public_key());
  Handshake acceptor(Role::kAcceptor, impostor, kChain, Boot('a'), "");
  ASSERT_TRUE(acceptor.ReadPeerHello(dialer.hello()).ok());
  ASSERT_TRUE(dialer.ReadPeerHello(acceptor.hello()).ok());
  // The dialer signed for `wanted`; the impostor cannot verify that as itself...
  EXPECT_EQ(acceptor.ReadPeerAuth(dialer.MakeAuth()).code(), "bad_signature");
  // ...and an acceptor answering as someone else is refused by the dialer.
  Handshake honest(Role::kAcceptor, impostor, kChain, Boot('a'), "");
  Handshake dialer2(Role::kDialer, dk, kChain, Boot('d'), impostor.public_key());
  ASSERT_TRUE(honest.ReadPeerHello(dialer2.hello()).ok());
  ASSERT_TRUE(dialer2.ReadPeerHello(honest.hello()).ok());
  ASSERT_TRUE(honest.ReadPeerAuth(dialer2.MakeAuth()).ok());
  EXPECT_EQ(dialer.ReadPeerAuth(honest.MakeAuth()).code(), "wrong_identity");
}

TEST(P2pHandshake, RelayingManInTheMiddleIsDetected) {
  // M runs its own key exchange with each side and relays their auth bodies. The
  // signatures cover the ephemeral keys each side saw, which differ.
  crypto::KeyPair dk = crypto::KeyPair::Generate();
  crypto::KeyPair ak = crypto::KeyPair::Generate();
  crypto::KeyPair mk = crypto::KeyPair::Generate();
  Handshake dialer(Role::kDialer, dk, kChain, Boot('d'), ak.public_key());
  Handshake m_as_acceptor(Role::kAcceptor, mk, kChain, Boot('m'), "");
  Handshake m_as_dialer(Role::kDialer, mk, kChain, Boot('m'), ak.public_key());
  Handshake acceptor(Role::kAcceptor, ak, kChain, Boot('a'), "");
  ASSERT_TRUE(m_as_acceptor.ReadPeerHello(dialer.hello()).ok());
  ASSERT_TRUE(dialer.ReadPeerHello(m_as_acceptor.hello()).ok());
  ASSERT_TRUE(acceptor.ReadPeerHello(m_as_dialer.hello()).ok());
  ASSERT_TRUE(m_as_dialer.ReadPeerHello(acceptor.hello()).ok());
  EXPECT_EQ(acceptor.ReadPeerAuth(dialer.MakeAuth()).code(), "bad_signature");
}

TEST(P2pHandshake, BadHellosAreRefused) {
  Pair p;
  EXPECT_EQ(p.acceptor.ReadPeerHello("short").code(), "bad_hello");
  std::string wrong_magic = p.dialer.hello();
  wrong_magic[0] = 'X';
  EXPECT_EQ(p.acceptor.ReadPeerHello(wrong_magic).code(), "bad_hello");
  // Our own ephemeral key reflected back.
  EXPECT_EQ(p.dialer.ReadPeerHello(p.dialer.hello()).code(), "bad_hello");
  // A small-order point (all zeros) gives no shared secret; crypto_kx refuses it.
  Pair q;
  EXPECT_EQ(q.acceptor.ReadPeerHello(std::string(kHelloMagic) + std::string(32, '\0')).code(), "bad_hello");
}

TEST(P2pHandshake, AuthOutOfOrderOrWrongSizeIsBadHandshake) {
  Pair p;
  EXPECT_EQ(p.acceptor.ReadPeerAuth(std::string(kAuthBodySize, 'x')).code(), "bad_handshake");
  p.ExchangeHellos();
  EXPECT_EQ(p.acceptor.ReadPeerAuth("short").code(), "bad_handshake");
  ASSERT_TRUE(p.acceptor.ReadPeerAuth(p.dialer.MakeAuth()).ok());
  EXPECT_EQ(p.acceptor.ReadPeerAuth(p.dialer.MakeAuth()).code(), "bad_handshake");
}

}  // namespace
}  // namespace cc::p2p
