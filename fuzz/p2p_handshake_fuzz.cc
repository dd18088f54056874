// The P2P handshake and record layer, pure (p2p/handshake.h, p2p/record_cipher.h):
// what a peer sends before and after authentication, in both roles.
//
// The local side ("us") is a real Handshake with a real RecordOpener, in the role
// the input picks. The remote side is played by the harness with a real Handshake
// of the other role, so the input can either follow the protocol and tamper with
// it, or replace any step with its own bytes:
//   U8 flags  bit 0: we dial (else we accept); bit 1: the peer's hello is raw input
//             bytes; bit 2: the peer's auth body is raw input bytes; bit 3: the
//             auth record itself (header and ciphertext) is raw input bytes
//   the peer's hello: Bytes when raw, else an edit (U16 offset, U8 xor)
//   the auth: Bytes when raw, else an edit of the sealed record (U16, U8)
//   then records until the input ends, each an op (U8): a record the peer seals
//   (type U8, body Bytes, edit U16 + U8), raw record bytes (Bytes), a record the
//   peer seals that is lost on the way, or a length check (U32 length, U16 limit).
//
// Checks: the genuine handshake always completes, and then we know exactly the
// peer's identity; no record opens unless the peer sealed it, in order and
// unaltered, under keys from the hellos actually exchanged (an altered hello, an
// altered or replayed or lost record all fail); an opened record is exactly what
// was sealed; a failed stream is never read again (as Connection closes it).
#include <optional>
#include <string>

#include "fuzz/deterministic_random.h"
#include "fuzz/fuzz_chain.h"
#include "fuzz/fuzz_input.h"
#include "p2p/handshake.h"
#include "p2p/record_cipher.h"

namespace cc::fuzz {
namespace {

using p2p::Handshake;
using p2p::RecordType;
using p2p::Role;

constexpr const char* kChain = "p2p-fuzz-chain";
constexpr size_t kMaxBody = 4096;

constexpr uint8_t kWeDial = 1;
constexpr uint8_t kRawHello = 2;
constexpr uint8_t kRawAuthBody = 4;
constexpr uint8_t kRawAuthRecord = 8;

enum RecordOp : uint8_t { kSealed, kRaw, kLost, kLengthCheck, kRecordOpCount };

const crypto::KeyPair& Us() {
  static const crypto::KeyPair k = KeyFor("p2p/us");
  return k;
}
const crypto::KeyPair& Peer() {
  static const crypto::KeyPair k = KeyFor("p2p/peer");
  return k;
}

bool EditChanges(uint8_t x, const std::string& bytes) { return x != 0 && !bytes.empty(); }

// Splits header || ciphertext; nullopt when shorter than a header.
struct Wire {
  unsigned char header[p2p::kRecordHeaderSize];
  std::string ciphertext;
};
std::optional<Wire> Split(const std::string& record) {
  if (record.size() < p2p::kRecordHeaderSize) return std::nullopt;
  Wire w;
  for (size_t i = 0; i < p2p::kRecordHeaderSize; ++i) w.header[i] = static_cast<unsigned char>(record[i]);
  w.ciphertext = record.substr(p2p::kRecordHeaderSize);
  return w;
}

void Run(FuzzInput& in) {
  ReseedRandom(1);
  const uint8_t flags = in.U8();
  const Role our_role = (flags & kWeDial) ? Role::kDialer : Role::kAcceptor;
  const Role peer_role = our_role == Role::kDialer ? Role::kAcceptor : Role::kDialer;
  Handshake us(our_role, Us(), kChain, std::string(p2p::kBootIdSize, 'u'),
               our_role == Role::kDialer ? Peer().public_key() : "");
  Handshake peer(peer_role, Peer(), kChain, std::string(p2p::kBootIdSize, 'p'),
                 peer_role == Role::kDialer ? Us().public_key() : "");

  // Hellos. The peer always reads ours unaltered; we read the input's version of its.
  bool genuine = true;
  std::string hello = peer.hello();
  if (flags & kRawHello) {
    hello = in.Bytes();
    genuine = hello == peer.hello();
  } else {
    const uint16_t at = in.U16();
    const uint8_t x = in.U8();
    if (x != 0) {
      hello[at % hello.size()] ^= static_cast<char>(x);
      genuine = false;
    }
  }
  const Status read_hello = us.ReadPeerHello(hello);
  if (genuine) FUZZ_CHECK(read_hello.ok());
  if (!read_hello.ok()) {
    FUZZ_CHECK(read_hello.code() == "bad_hello");
    return;
  }
  FUZZ_CHECK(peer.ReadPeerHello(us.hello()).ok());
  p2p::RecordOpener opener(us.rx_key());
  p2p::RecordSealer peer_sealer(peer.tx_key());

  // Authentication: the dialer's auth goes first.
  if (our_role == Role::kDialer) {
    // Our transcript names the hello we read; the peer's the one it sent.
    const Status peer_read = peer.ReadPeerAuth(us.MakeAuth());
    FUZZ_CHECK(peer_read.ok() == genuine);
    if (!peer_read.ok()) return;  // the peer hangs up
  }
  bool auth_genuine = genuine;
  std::string auth_body = peer.MakeAuth();
  if (flags & kRawAuthBody) {
    std::string raw = in.Bytes();
    auth_genuine = auth_genuine && raw == auth_body;
    auth_body = std::move(raw);
  }
  std::string record;
  bool record_genuine = true;
  if (flags & kRawAuthRecord) {
    record = in.Bytes();
    record_genuine = false;
  } else {
    peer_sealer.Seal(RecordType::kAuth, auth_body, record);
    const uint16_t at = in.U16();
    const uint8_t x = in.U8();
    if (EditChanges(x, record)) {
      record[at % record.size()] ^= static_cast<char>(x);
      record_genuine = false;
    }
  }
  auto wire = Split(record);
  if (!wire) return;
  if (p2p::DecodeRecordLength(wire->header) != p2p::kAuthRecordLength) return;  // Connection refuses it
  auto opened = opener.Open(wire->header, wire->ciphertext);
  if (genuine && record_genuine) FUZZ_CHECK(opened.ok());
  if (!genuine) FUZZ_CHECK(!opened.ok());  // other keys than the peer's
  if (!opened.ok()) return;
  if (record_genuine) FUZZ_CHECK(opened->type == RecordType::kAuth && opened->body == auth_body);
  if (opened->type != RecordType::kAuth) return;  // Connection: bad_handshake
  const Status auth = us.ReadPeerAuth(opened->body);
  if (auth_genuine && record_genuine) FUZZ_CHECK(auth.ok());
  if (!auth.ok()) {
    const std::string& c = auth.code();
    FUZZ_CHECK(c == "bad_handshake" || c == "wrong_identity" || c == "bad_signature");
    return;
  }
  FUZZ_CHECK(us.peer_identity() == Peer().public_key());
  FUZZ_CHECK(us.ReadPeerAuth(opened->body).code() == "bad_handshake");  // only once
  if (our_role == Role::kAcceptor) FUZZ_CHECK(peer.ReadPeerAuth(us.MakeAuth()).ok());

  // Established: records until the input ends or one fails.
  while (!in.empty()) {
    switch (static_cast<RecordOp>(in.U8() % kRecordOpCount)) {
      case kSealed: {
        const uint8_t type = in.U8();
        const std::string body = in.Bytes();
        std::string r;
        peer_sealer.Seal(static_cast<RecordType>(type), body, r);
        const uint16_t at = in.U16();
        const uint8_t x = in.U8();
        const bool altered = EditChanges(x, r);
        if (altered) r[at % r.size()] ^= static_cast<char>(x);
        auto w = Split(r);
        FUZZ_CHECK(w.has_value());
        if (!p2p::CheckRecordLength(p2p::DecodeRecordLength(w->header), kMaxBody).ok()) return;
        auto got = opener.Open(w->header, w->ciphertext);
        if (altered) FUZZ_CHECK(!got.ok());
        const bool known = type >= 1 && type <= 3;
        if (!altered) FUZZ_CHECK(got.ok() == known);
        if (!got.ok()) return;
        FUZZ_CHECK(static_cast<uint8_t>(got->type) == type && got->body == body);
        break;
      }
      case kRaw: {
        auto w = Split(in.Bytes());
        if (!w) return;
        if (!p2p::CheckRecordLength(p2p::DecodeRecordLength(w->header), kMaxBody).ok()) return;
        auto got = opener.Open(w->header, w->ciphertext);
        if (!got.ok()) {
          const std::string& c = got.status().code();
          FUZZ_CHECK(c == "bad_frame" || c == "decrypt_failed");
          return;
        }
        // Only a record the peer sealed can open: the input would have had to guess
        // the session key.
        FUZZ_CHECK(false);
        break;
      }
      case kLost: {
        std::string r;
        peer_sealer.Seal(RecordType::kData, in.Bytes(), r);  // never arrives
        std::string next;
        peer_sealer.Seal(RecordType::kData, "after the gap", next);
        auto w = Split(next);
        FUZZ_CHECK(w.has_value());
        FUZZ_CHECK(!opener.Open(w->header, w->ciphertext).ok());
        return;
      }
      case kLengthCheck: {
        const uint32_t length = in.U32();
        const size_t limit = in.U16();
        const Status s = p2p::CheckRecordLength(length, limit);
        FUZZ_CHECK(s.ok() == (length >= p2p::kRecordOverhead && length - p2p::kRecordOverhead <= limit));
        break;
      }
      case kRecordOpCount:
        break;
    }
  }
}

}  // namespace

std::vector<Seed> FuzzSeeds() {
  std::vector<Seed> seeds;
  for (uint8_t dial : {0, 1}) {
    const std::string role = dial ? "dialer" : "acceptor";
    FuzzWriter w;
    w.U8(dial).U16(0).U8(0).U16(0).U8(0);
    w.U8(kSealed).U8(2).Bytes("a consensus frame").U16(0).U8(0);
    w.U8(kSealed).U8(3).Bytes("").U16(0).U8(0);
    w.U8(kLengthCheck).U32(1 << 20).U16(4096);
    w.U8(kSealed).U8(2).Bytes(std::string(300, 'x')).U16(7).U8(0);
    w.U8(kSealed).U8(9).Bytes("unknown type").U16(0).U8(0);
    seeds.emplace_back("established_" + role, w.Take());
    seeds.emplace_back("bad_hello_" + role, FuzzWriter().U8(dial).U16(3).U8(0x20).Take());
    seeds.emplace_back("tampered_auth_" + role, FuzzWriter().U8(dial).U16(0).U8(0).U16(40).U8(1).Take());
    seeds.emplace_back(
        "raw_auth_body_" + role,
        FuzzWriter().U8(dial | kRawAuthBody).U16(0).U8(0).Bytes(std::string(112, 'a')).U16(0).U8(0).Take());
    FuzzWriter lost;
    lost.U8(dial).U16(0).U8(0).U16(0).U8(0).U8(kLost).Bytes("dropped");
    seeds.emplace_back("lost_record_" + role, lost.Take());
  }
  seeds.emplace_back("raw_hello",
                     FuzzWriter().U8(kRawHello).Bytes("ccp2p/v1" + std::string(32, '\x01')).Take());
  seeds.emplace_back("raw_record",
                     FuzzWriter().U8(kRawAuthRecord).U16(0).U8(0).Bytes("\x00\x00\x00\x91garbage").Take());
  seeds.emplace_back("tampered_data", [] {
    FuzzWriter w;
    w.U8(0).U16(0).U8(0).U16(0).U8(0).U8(kSealed).U8(2).Bytes("frame").U16(2).U8(0x80);
    return w.Take();
  }());
  return seeds;
}

}  // namespace cc::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  cc::fuzz::UseDeterministicRandom();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cc::fuzz::FuzzInput in(data, size);
  cc::fuzz::Run(in);
  return 0;
}
