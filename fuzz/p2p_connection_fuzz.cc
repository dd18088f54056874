// The P2P connection's framing over a real socket (p2p/connection.h): what an
// unauthenticated stranger, or an authenticated peer, can make one link of the
// transport read. The harness is the remote end of a socket pair whose other end
// is a real Connection in the acceptor role (as every inbound link starts), driven
// by a real boost::asio io_context on this thread.
//
// Input: flags (U8; bit 0: the hello is raw input bytes, else the peer's real hello
// with an edit U16 + U8), then a script of what the peer writes next, until the
// input ends: its real auth record (or one sealing raw input as the auth body),
// sealed records of any type and body with an optional edit, raw bytes, pings.
// Then the peer closes its side.
//
// Checks: the connection always ends, exactly once, whatever was sent (no hang, no
// crash, and at most max_frame_size buffered); it is established only after the
// peer's genuine auth, and then delivers exactly the data frames the peer sealed,
// in order, up to the first byte that was not a genuine record; a well-behaved
// peer's link ends only because the peer hung up.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/deterministic_random.h"
#include "fuzz/fuzz_chain.h"
#include "fuzz/fuzz_input.h"
#include "p2p/connection.h"
#include "p2p/handshake.h"
#include "p2p/record_cipher.h"

namespace cc::fuzz {
namespace {

using p2p::Connection;
using p2p::DisconnectReason;
using p2p::RecordType;

constexpr const char* kChain = "p2p-fuzz-chain";
constexpr size_t kMaxFrame = 4096;
constexpr size_t kMaxStream = 256 * 1024;

enum ScriptOp : uint8_t { kAuth, kRecord, kRawBytes, kPing, kScriptOpCount };

const crypto::KeyPair& Us() {
  static const crypto::KeyPair k = KeyFor("p2p/us");
  return k;
}
const crypto::KeyPair& Peer() {
  static const crypto::KeyPair k = KeyFor("p2p/peer");
  return k;
}

class Host final : public p2p::LinkHost {
 public:
  std::optional<p2p::PeerIndex> Authorize(const std::string& identity) override {
    authorized = identity == Peer().public_key();
    if (!authorized) return std::nullopt;
    return p2p::PeerIndex{0};
  }
  void OnEstablished(const std::shared_ptr<Connection>&) override {
    FUZZ_CHECK(authorized && !established);
    established = true;
    reply_pending = true;
  }
  void OnFrame(p2p::PeerIndex peer, std::string frame) override {
    FUZZ_CHECK(peer == 0 && established);
    FUZZ_CHECK(frame.size() <= kMaxFrame);
    frames.push_back(std::move(frame));
  }
  void TakeFrames(const Connection&, size_t, std::vector<p2p::FramePtr>& out) override {
    if (!reply_pending) return;
    reply_pending = false;
    out.push_back(std::make_shared<const std::string>("a reply"));
  }
  void OnSent(p2p::PeerIndex, size_t, size_t) override {}
  void OnClosed(const std::shared_ptr<Connection>&, DisconnectReason r, size_t) override {
    ++closes;
    reason = r;
  }

  bool authorized = false;
  bool established = false;
  bool reply_pending = false;
  std::vector<std::string> frames;
  int closes = 0;
  DisconnectReason reason = DisconnectReason::kShutdown;
};

boost::asio::io_context& Io() {
  static boost::asio::io_context io;
  return io;
}

// The peer's end of the socket pair (non-blocking).
class PeerEnd {
 public:
  explicit PeerEnd(int fd) : fd_(fd) { fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK); }
  ~PeerEnd() { close(fd_); }

  // Runs the connection's ready handlers and collects what it wrote.
  void Pump() {
    Io().poll();
    char buf[4096];
    for (;;) {
      const ssize_t n = recv(fd_, buf, sizeof(buf), MSG_DONTWAIT);
      if (n <= 0) break;
      received.append(buf, static_cast<size_t>(n));
    }
  }
  void Write(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size() && !broken_) {
      const ssize_t n = send(fd_, bytes.data() + done, bytes.size() - done, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<size_t>(n);
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        Pump();
      } else {
        broken_ = true;  // the connection closed its end
      }
      Pump();
    }
  }
  void Finish() { shutdown(fd_, SHUT_WR); }

  std::string received;

 private:
  int fd_;
  bool broken_ = false;
};

void Run(FuzzInput& in) {
  ReseedRandom(2);
  Io().restart();
  int fds[2];
  FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
  boost::asio::ip::tcp::socket socket(Io());
  socket.assign(boost::asio::ip::tcp::v4(), fds[0]);
  PeerEnd peer_end(fds[1]);

  Host host;
  p2p::TransportOptions options;
  options.chain_id = kChain;
  options.max_frame_size = kMaxFrame;
  options.handshake_timeout = std::chrono::seconds(30);
  options.keepalive_interval = std::chrono::seconds(60);
  options.idle_timeout = std::chrono::seconds(120);
  const p2p::LinkContext context{Us(), std::string(p2p::kBootIdSize, 'u'), options};
  auto link = std::make_shared<Connection>(host, context, std::move(socket), p2p::Role::kAcceptor,
                                           std::nullopt, std::string());
  link->StartAccept();

  // Hello: ours must be answered with theirs before any key exists.
  p2p::Handshake peer(p2p::Role::kDialer, Peer(), kChain, std::string(p2p::kBootIdSize, 'p'),
                      Us().public_key());
  const uint8_t flags = in.U8();
  std::string hello = peer.hello();
  if (flags & 1) {
    hello = in.Bytes();
  } else {
    const uint16_t at = in.U16();
    const uint8_t x = in.U8();
    hello[at % hello.size()] ^= static_cast<char>(x);
  }
  peer_end.Write(hello);
  for (int i = 0; i < 8 && peer_end.received.size() < p2p::kHelloSize; ++i) peer_end.Pump();

  // The script. `genuine` holds while every byte written so far was a genuine record
  // the connection must accept; `expected` are the data frames it must deliver.
  bool genuine = hello == peer.hello();
  bool authed = false;
  std::vector<std::string> expected;
  std::optional<p2p::RecordSealer> sealer;
  if (peer_end.received.size() >= p2p::kHelloSize &&
      peer.ReadPeerHello(peer_end.received.substr(0, p2p::kHelloSize)).ok()) {
    sealer.emplace(peer.tx_key());
  } else {
    genuine = false;
  }
  FUZZ_CHECK(sealer.has_value() || !genuine);
  std::string stream;
  while (!in.empty() && stream.size() < kMaxStream) {
    const auto op = static_cast<ScriptOp>(in.U8() % kScriptOpCount);
    if (!sealer || op == kRawBytes) {
      const std::string raw = in.Bytes();
      if (!raw.empty()) genuine = false;
      stream += raw;
      continue;
    }
    std::string body;
    RecordType type = RecordType::kPing;
    if (op == kAuth) {
      type = RecordType::kAuth;
      body = in.Bool() ? in.Bytes() : peer.MakeAuth();
    } else if (op == kRecord) {
      type = static_cast<RecordType>(in.U8());
      body = in.Bytes();
    }
    std::string record;
    sealer->Seal(type, body, record);
    const uint16_t at = in.U16();
    const uint8_t x = in.U8();
    if (x != 0) {
      record[at % record.size()] ^= static_cast<char>(x);
      genuine = false;
    }
    if (genuine) {
      // What the connection does with this record, if the stream so far was good.
      if (!authed) {
        if (type != RecordType::kAuth || body != peer.MakeAuth()) genuine = false;
        authed = genuine;
      } else if (type == RecordType::kData && body.size() <= kMaxFrame) {
        expected.push_back(body);
      } else if (type != RecordType::kPing) {
        genuine = false;  // an auth once established, an unknown type, a frame too large
      }
    }
    stream += record;
  }
  peer_end.Write(stream);
  peer_end.Finish();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (host.closes == 0) {
    FUZZ_CHECK(std::chrono::steady_clock::now() < deadline);  // a hang
    Io().run_one_for(std::chrono::milliseconds(50));
    peer_end.Pump();
  }
  FUZZ_CHECK(host.closes == 1);
  FUZZ_CHECK(link->closed());
  FUZZ_CHECK(host.established == authed || !genuine);
  if (authed) FUZZ_CHECK(host.established);
  if (genuine) {
    FUZZ_CHECK(host.frames == expected);
    FUZZ_CHECK(host.reason == DisconnectReason::kClosedByPeer);
  } else {
    // Up to the first bad byte, the frames are the genuine ones.
    FUZZ_CHECK(host.frames.size() <= expected.size());
    for (size_t i = 0; i < host.frames.size(); ++i) FUZZ_CHECK(host.frames[i] == expected[i]);
  }
  link->Close(DisconnectReason::kShutdown);  // idempotent: no second report
  FUZZ_CHECK(host.closes == 1);
  link.reset();
  Io().poll();
}

}  // namespace

std::vector<Seed> FuzzSeeds() {
  std::vector<Seed> seeds;
  {
    FuzzWriter w;
    w.U8(0).U16(0).U8(0);
    w.U8(kAuth).Bool(false).U16(0).U8(0);
    w.U8(kRecord).U8(2).Bytes("frame one").U16(0).U8(0);
    w.U8(kPing).U16(0).U8(0);
    w.U8(kRecord).U8(2).Bytes(std::string(1000, 'f')).U16(0).U8(0);
    seeds.emplace_back("established", w.Take());
  }
  {
    FuzzWriter w;
    w.U8(0).U16(0).U8(0);
    w.U8(kAuth).Bool(false).U16(0).U8(0);
    w.U8(kRecord).U8(2).Bytes("frame one").U16(0).U8(0);
    w.U8(kRecord).U8(2).Bytes(std::string(5000, 'f')).U16(0).U8(0);
    w.U8(kRecord).U8(2).Bytes("never delivered").U16(0).U8(0);
    seeds.emplace_back("frame_too_large", w.Take());
  }
  {
    FuzzWriter w;
    w.U8(0).U16(0).U8(0);
    w.U8(kAuth).Bool(false).U16(0).U8(0);
    w.U8(kRecord).U8(2).Bytes("frame").U16(20).U8(4);
    seeds.emplace_back("tampered_frame", w.Take());
  }
  {
    FuzzWriter w;
    w.U8(0).U16(0).U8(0);
    w.U8(kRecord).U8(2).Bytes("data before auth").U16(0).U8(0);
    seeds.emplace_back("data_before_auth", w.Take());
  }
  {
    FuzzWriter w;
    w.U8(0).U16(0).U8(0);
    w.U8(kAuth).Bool(true).Bytes(std::string(112, 'z')).U16(0).U8(0);
    seeds.emplace_back("forged_auth", w.Take());
  }
  {
    FuzzWriter w;
    w.U8(0).U16(0).U8(0);
    w.U8(kRawBytes).Bytes(std::string("\xff\xff\xff\xff", 4));
    seeds.emplace_back("huge_length_before_auth", w.Take());
  }
  seeds.emplace_back("bad_hello", FuzzWriter().U8(0).U16(1).U8(0x41).Take());
  seeds.emplace_back("short_hello", FuzzWriter().U8(1).Bytes("ccp2p/v1").Take());
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
