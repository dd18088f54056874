#include "p2p/handshake.h"

#include <sodium.h>

#include <cstdlib>

#include "common/canonical.h"
#include "crypto/hash.h"

namespace cc::p2p {

static_assert(crypto_kx_PUBLICKEYBYTES == kEphemeralKeySize);
static_assert(crypto_kx_SECRETKEYBYTES == kEphemeralKeySize);
static_assert(crypto_kx_SESSIONKEYBYTES == kSessionKeySize);

namespace {
const unsigned char* U(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* U(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
}  // namespace

Handshake::Handshake(Role role, const crypto::KeyPair& self, std::string chain_id, std::string boot_id,
                     std::string expected_peer)
    : role_(role),
      self_(self),
      chain_id_(std::move(chain_id)),
      boot_id_(std::move(boot_id)),
      expected_peer_(std::move(expected_peer)) {
  crypto::InitCrypto();
  if (boot_id_.size() != kBootIdSize) std::abort();
  if (role_ == Role::kDialer && expected_peer_.size() != crypto::kPublicKeySize) std::abort();
  eph_public_.assign(kEphemeralKeySize, '\0');
  crypto_kx_keypair(U(eph_public_), eph_secret_.data());
  hello_.reserve(kHelloSize);
  hello_.append(kHelloMagic);
  hello_.append(eph_public_);
}

Handshake::~Handshake() {
  sodium_memzero(eph_secret_.data(), eph_secret_.size());
  if (!rx_key_.empty()) sodium_memzero(rx_key_.data(), rx_key_.size());
  if (!tx_key_.empty()) sodium_memzero(tx_key_.data(), tx_key_.size());
}

Status Handshake::ReadPeerHello(std::string_view hello) {
  if (have_keys_) return Status::Error("bad_hello", "second hello");
  if (hello.size() != kHelloSize || hello.substr(0, kHelloMagic.size()) != kHelloMagic) {
    return Status::Error("bad_hello", "not a creditchain p2p v1 hello");
  }
  std::string_view peer_eph = hello.substr(kHelloMagic.size());
  if (peer_eph == eph_public_) return Status::Error("bad_hello", "our own ephemeral key reflected");
  rx_key_.assign(kSessionKeySize, '\0');
  tx_key_.assign(kSessionKeySize, '\0');
  const int rc = role_ == Role::kDialer
                     ? crypto_kx_client_session_keys(U(rx_key_), U(tx_key_), U(eph_public_),
                                                     eph_secret_.data(), U(peer_eph))
                     : crypto_kx_server_session_keys(U(rx_key_), U(tx_key_), U(eph_public_),
                                                     eph_secret_.data(), U(peer_eph));
  // The ephemeral secret has done its only job; forget it (forward secrecy).
  sodium_memzero(eph_secret_.data(), eph_secret_.size());
  if (rc != 0) {
    rx_key_.clear();
    tx_key_.clear();
    return Status::Error("bad_hello", "invalid ephemeral public key");
  }
  peer_eph_public_ = std::string(peer_eph);
  have_keys_ = true;
  return Status::Ok();
}

const std::string& Handshake::DialerIdentity() const {
  if (role_ == Role::kDialer) return self_.public_key();
  return peer_identity_;
}

const std::string& Handshake::AcceptorIdentity() const {
  if (role_ == Role::kAcceptor) return self_.public_key();
  return expected_peer_;
}

std::string Handshake::Transcript(Role signer, std::string_view signer_boot_id) const {
  if (!have_keys_ || DialerIdentity().empty()) std::abort();
  const bool we_dial = role_ == Role::kDialer;
  CanonicalWriter w(kHandshakeDomain);
  w.Bytes(chain_id_);
  w.U8(static_cast<uint8_t>(signer));
  w.Bytes(we_dial ? eph_public_ : peer_eph_public_);
  w.Bytes(we_dial ? peer_eph_public_ : eph_public_);
  w.Bytes(DialerIdentity());
  w.Bytes(AcceptorIdentity());
  w.Bytes(signer_boot_id);
  return w.Take();
}

std::string Handshake::MakeAuth() const {
  if (!have_keys_ || (role_ == Role::kAcceptor && !peer_authenticated_)) std::abort();
  std::string body;
  body.reserve(kAuthBodySize);
  body.append(self_.public_key());
  body.append(boot_id_);
  body.append(self_.Sign(Transcript(role_, boot_id_)));
  return body;
}

Status Handshake::ReadPeerAuth(std::string_view body) {
  if (!have_keys_ || peer_authenticated_) {
    return Status::Error("bad_handshake", "auth record out of order");
  }
  if (body.size() != kAuthBodySize) {
    return Status::Error("bad_handshake", "auth record of " + std::to_string(body.size()) + " bytes, want " +
                                              std::to_string(kAuthBodySize));
  }
  const std::string identity(body.substr(0, crypto::kPublicKeySize));
  const std::string boot_id(body.substr(crypto::kPublicKeySize, kBootIdSize));
  const std::string_view signature = body.substr(crypto::kPublicKeySize + kBootIdSize);
  if (role_ == Role::kDialer && identity != expected_peer_) {
    return Status::Error("wrong_identity", "the dialed address answered with another identity");
  }
  if (role_ == Role::kAcceptor) peer_identity_ = identity;
  const Role peer_role = role_ == Role::kDialer ? Role::kAcceptor : Role::kDialer;
  if (!crypto::Verify(identity, Transcript(peer_role, boot_id), signature)) {
    peer_identity_.clear();
    return Status::Error("bad_signature", "handshake signature does not verify");
  }
  peer_identity_ = identity;
  peer_boot_id_ = boot_id;
  peer_authenticated_ = true;
  return Status::Ok();
}

}  // namespace cc::p2p
