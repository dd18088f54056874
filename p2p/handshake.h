// The link handshake: ephemeral X25519 key exchange, then mutual Ed25519
// authentication over a signed transcript, sent inside the encrypted channel.
//
//   1. dialer   -> acceptor  hello = "ccp2p/v1" || dialer ephemeral X25519 key (32)
//   2. acceptor -> dialer    hello = "ccp2p/v1" || acceptor ephemeral key (32)
//      Both derive the session keys with crypto_kx (dialer = client) from the
//      ephemeral keys only, so a later theft of an identity key reveals no traffic.
//   3. dialer   -> acceptor  record(kAuth, identity || boot id || signature)
//   4. acceptor -> dialer    record(kAuth, ...), sent only once the acceptor has
//      verified 3 and found the identity in its peer set.
//
// Each signature covers Transcript(): the domain tag, chain id, the signer's role,
// both ephemeral keys, both identities and the signer's boot id. A man in the middle
// has to run two key exchanges with different ephemeral keys, so signatures made for
// one side never verify on the other. Byte layout: docs/p2p.md.
//
// This class is pure (no I/O); Connection drives it over a socket and the tests drive
// it directly. Thread safety: one instance per link, used by one thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"
#include "crypto/keys.h"
#include "p2p/record_cipher.h"

namespace cc::p2p {

enum class Role : uint8_t { kDialer = 0, kAcceptor = 1 };

inline constexpr std::string_view kHelloMagic = "ccp2p/v1";
inline constexpr size_t kEphemeralKeySize = 32;
inline constexpr size_t kHelloSize = 8 + kEphemeralKeySize;
inline constexpr size_t kBootIdSize = 16;
inline constexpr size_t kAuthBodySize = crypto::kPublicKeySize + kBootIdSize + crypto::kSignatureSize;
// The ciphertext length announced in an auth record's header (the only length
// accepted before authentication).
inline constexpr size_t kAuthRecordLength = kAuthBodySize + kRecordOverhead;
inline constexpr std::string_view kHandshakeDomain = "creditchain/p2p/handshake/v1";

class Handshake {
 public:
  // `self` is borrowed and must outlive the handshake. REQUIRES: boot_id.size() ==
  // kBootIdSize; for kDialer, expected_peer is the 32-byte identity it dials (for
  // kAcceptor it is ignored: the dialer names itself in step 3).
  Handshake(Role role, const crypto::KeyPair& self, std::string chain_id, std::string boot_id,
            std::string expected_peer);
  ~Handshake();
  Handshake(const Handshake&) = delete;
  Handshake& operator=(const Handshake&) = delete;

  Role role() const { return role_; }
  // Our step 1 or 2 message (kHelloSize bytes).
  const std::string& hello() const { return hello_; }

  // Reads the peer's hello and derives the session keys. Code "bad_hello": wrong
  // size or magic, our own key reflected, or a key crypto_kx refuses.
  [[nodiscard]] Status ReadPeerHello(std::string_view hello);

  // Our auth body (kAuthBodySize bytes), to be sealed as a kAuth record.
  // REQUIRES: ReadPeerHello succeeded; for kAcceptor also ReadPeerAuth.
  std::string MakeAuth() const;

  // Verifies the peer's auth body. Codes: "bad_handshake" (wrong size or called
  // out of order), "wrong_identity" (dialer: not the identity it dialed),
  // "bad_signature".
  [[nodiscard]] Status ReadPeerAuth(std::string_view body);

  // The bytes signed by the dialer (signer = kDialer) or the acceptor.
  // REQUIRES: ReadPeerHello succeeded and the dialer's identity is known.
  std::string Transcript(Role signer, std::string_view signer_boot_id) const;

  // Session keys after ReadPeerHello: rx opens what the peer sends, tx seals ours.
  const std::string& rx_key() const { return rx_key_; }
  const std::string& tx_key() const { return tx_key_; }
  // Valid after ReadPeerAuth succeeded.
  const std::string& peer_identity() const { return peer_identity_; }
  const std::string& peer_boot_id() const { return peer_boot_id_; }

 private:
  const std::string& DialerIdentity() const;
  const std::string& AcceptorIdentity() const;

  Role role_;
  const crypto::KeyPair& self_;
  std::string chain_id_;
  std::string boot_id_;
  std::string expected_peer_;
  std::array<unsigned char, kEphemeralKeySize> eph_secret_{};
  std::string eph_public_;
  std::string peer_eph_public_;
  std::string hello_;
  std::string rx_key_;
  std::string tx_key_;
  std::string peer_identity_;
  std::string peer_boot_id_;
  bool have_keys_ = false;
  bool peer_authenticated_ = false;
};

}  // namespace cc::p2p
