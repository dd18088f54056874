#include "p2p/transport.h"

#include <sodium.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <limits>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "crypto/hash.h"
#include "p2p/backoff.h"
#include "p2p/connection.h"
#include "p2p/link_choice.h"

namespace cc::p2p {

namespace asio = boost::asio;
using boost::system::error_code;
using tcp = asio::ip::tcp;

namespace {

uint64_t SplitMix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Status ValidateConfig(const crypto::KeyPair& self, const std::vector<PeerConfig>& peers,
                      const TransportOptions& o) {
  auto invalid = [](std::string message) { return Status::Error("invalid_config", std::move(message)); };
  if (o.chain_id.empty()) return invalid("chain_id is empty");
  if (o.max_frame_size == 0 || o.max_frame_size > std::numeric_limits<uint32_t>::max() - kRecordOverhead) {
    return invalid("max_frame_size must be in [1, 2^32 - 18]");
  }
  if (o.max_queue_frames == 0 || o.max_queue_bytes == 0) return invalid("send queue bounds are 0");
  if (o.max_pending_handshakes == 0) return invalid("max_pending_handshakes is 0");
  if (o.handshake_timeout.count() <= 0 || o.keepalive_interval.count() <= 0 || o.idle_timeout.count() <= 0) {
    return invalid("timeouts must be positive");
  }
  if (o.backoff_initial.count() <= 0 || o.backoff_max < o.backoff_initial) {
    return invalid("need 0 < backoff_initial <= backoff_max");
  }
  if (o.dial_grace.count() < 0) return invalid("dial_grace is negative");
  std::set<std::string> keys;
  for (const PeerConfig& p : peers) {
    if (p.public_key.size() != crypto::kPublicKeySize) return invalid("peer key is not 32 bytes");
    if (p.public_key == self.public_key()) return invalid("our own key is in the peer list");
    if (!keys.insert(p.public_key).second) return invalid("duplicate peer key");
  }
  return Status::Ok();
}

}  // namespace

class Transport::Impl final : public LinkHost {
 public:
  Impl(crypto::KeyPair self, std::vector<PeerConfig> peers, TransportOptions options)
      : self_(std::move(self)),
        peers_(std::move(peers)),
        context_{self_, crypto::RandomBytes(kBootIdSize), std::move(options)},
        accept_retry_(io_) {
    uint64_t seed = 0;
    if (context_.options.jitter_seed) {
      seed = *context_.options.jitter_seed;
    } else {
      randombytes_buf(&seed, sizeof(seed));
    }
    slots_.reserve(peers_.size());
    for (size_t i = 0; i < peers_.size(); ++i) {
      by_key_.emplace(peers_[i].public_key, i);
      slots_.emplace_back(io_, context_.options, SplitMix(seed + i));
    }
  }

  ~Impl() override { Stop(); }

  Status Start(FrameHandler on_frame, StatusHandler on_status) {
    std::lock_guard lifecycle(lifecycle_mu_);
    {
      std::lock_guard lock(mu_);
      if (started_) return Status::Error("already_started", "a transport starts at most once");
      if (stopping_) return Status::Error("stopped", "transport was stopped before it started");
      started_ = true;
    }
    on_frame_ = std::move(on_frame);
    on_status_ = std::move(on_status);
    const TransportOptions& o = context_.options;
    if (o.listen) {
      error_code ec;
      const asio::ip::address address = asio::ip::make_address(o.listen_host, ec);
      if (ec) return Status::Error("bind_failed", "bad listen host " + o.listen_host);
      acceptor_.emplace(io_);
      const tcp::endpoint endpoint(address, o.listen_port);
      acceptor_->open(endpoint.protocol(), ec);
      if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) acceptor_->bind(endpoint, ec);
      if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) {
        acceptor_.reset();
        return Status::Error("bind_failed",
                             o.listen_host + ":" + std::to_string(o.listen_port) + ": " + ec.message());
      }
      listen_port_ = acceptor_->local_endpoint(ec).port();
    }
    asio::post(io_, [this] {
      if (acceptor_) Accept();
      std::lock_guard lock(mu_);
      if (stopping_) return;
      for (PeerIndex i = 0; i < peers_.size(); ++i) {
        if (peers_[i].dialable()) ScheduleDial(i, Grace(i));
      }
    });
    running_ = true;
    thread_ = std::thread([this] {
      io_thread_id_ = std::this_thread::get_id();
      io_.run();
    });
    return Status::Ok();
  }

  void Stop() {
    if (std::this_thread::get_id() == io_thread_id_.load()) {
      std::fputs("p2p::Transport::Stop called from its own io thread\n", stderr);
      std::abort();
    }
    std::lock_guard lifecycle(lifecycle_mu_);
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    if (!running_) return;
    asio::post(io_, [this] { CloseAll(); });
    work_.reset();
    thread_.join();
    running_ = false;
  }

  uint16_t listen_port() const { return listen_port_; }

  Status Enqueue(PeerIndex i, const FramePtr& frame) {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::Error("stopped", "transport is stopped");
    Slot& s = slots_[i];
    const TransportOptions& o = context_.options;
    if ((!s.link && !o.queue_while_disconnected) || s.queue.size() >= o.max_queue_frames ||
        s.queue_bytes + frame->size() > o.max_queue_bytes) {
      ++s.stats.dropped_frames;
      s.stats.dropped_bytes += frame->size();
      if (!s.link && !o.queue_while_disconnected) {
        return Status::Error("not_connected", "peer " + std::to_string(i) + " has no link");
      }
      return Status::Error("queue_full", "send queue to peer " + std::to_string(i) + " is full");
    }
    s.queue.push_back(frame);
    s.queue_bytes += frame->size();
    if (s.link && !s.kick_posted) {
      s.kick_posted = true;
      asio::post(io_, [this, i] { Kick(i); });
    }
    return Status::Ok();
  }

  const crypto::KeyPair& self() const { return self_; }
  const std::vector<PeerConfig>& peers() const { return peers_; }
  const TransportOptions& options() const { return context_.options; }

  std::optional<PeerIndex> Find(std::string_view key) const {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return std::nullopt;
    return it->second;
  }

  bool IsConnected(PeerIndex i) const {
    std::lock_guard lock(mu_);
    return slots_[i].link != nullptr;
  }

  PeerStats Stats(PeerIndex i) const {
    std::lock_guard lock(mu_);
    return SnapshotLocked(i);
  }

  TransportStats AllStats() const {
    std::lock_guard lock(mu_);
    TransportStats out;
    for (PeerIndex i = 0; i < slots_.size(); ++i) out.peers.push_back(SnapshotLocked(i));
    out.refused = refused_;
    return out;
  }

  // ---- LinkHost (io thread) ----

  std::optional<PeerIndex> Authorize(const std::string& identity) override { return Find(identity); }

  void OnEstablished(const std::shared_ptr<Connection>& link) override {
    const PeerIndex i = *link->peer();
    std::shared_ptr<Connection> loser;
    DisconnectReason reason = DisconnectReason::kDuplicate;
    bool came_up = false;
    {
      std::lock_guard lock(mu_);
      pending_inbound_.erase(link);
      Slot& s = slots_[i];
      if (s.dialing == link) s.dialing.reset();
      if (stopping_) {
        loser = link;
        reason = DisconnectReason::kShutdown;
      } else {
        ++s.stats.connects;
        s.backoff.Reset();
        if (!s.link) {
          s.link = link;
          came_up = true;
        } else {
          const LinkChoice choice = ChooseLink({s.link->peer_boot_id(), s.link->dialer_identity()},
                                               {link->peer_boot_id(), link->dialer_identity()});
          reason = choice.loser_reason;
          if (choice.keep_incoming) {
            loser = s.link;
            s.link = link;
          } else {
            loser = link;
          }
        }
      }
    }
    if (loser) loser->Close(reason);
    if (came_up && on_status_) on_status_(i, true);
  }

  void OnFrame(PeerIndex peer, std::string frame) override {
    {
      std::lock_guard lock(mu_);
      ++slots_[peer].stats.frames_in;
      slots_[peer].stats.bytes_in += frame.size();
    }
    if (on_frame_) on_frame_(peer, std::move(frame));
  }

  void TakeFrames(const Connection& link, size_t max_bytes, std::vector<FramePtr>& out) override {
    std::lock_guard lock(mu_);
    Slot& s = slots_[*link.peer()];
    if (s.link.get() != &link) return;
    size_t total = 0;
    while (!s.queue.empty()) {
      const size_t cost = s.queue.front()->size() + kRecordHeaderSize + kRecordOverhead;
      if (!out.empty() && total + cost > max_bytes) break;
      total += cost;
      s.queue_bytes -= s.queue.front()->size();
      out.push_back(std::move(s.queue.front()));
      s.queue.pop_front();
    }
  }

  void OnSent(PeerIndex peer, size_t frames, size_t bytes) override {
    std::lock_guard lock(mu_);
    slots_[peer].stats.frames_out += frames;
    slots_[peer].stats.bytes_out += bytes;
  }

  void OnClosed(const std::shared_ptr<Connection>& link, DisconnectReason reason,
                size_t lost_frames) override {
    bool went_down = false;
    PeerIndex i = 0;
    {
      std::lock_guard lock(mu_);
      const auto r = static_cast<size_t>(reason);
      if (pending_inbound_.erase(link) > 0 || !link->peer()) {
        ++refused_[r];  // inbound, never authenticated
        return;
      }
      i = *link->peer();
      Slot& s = slots_[i];
      ++s.stats.disconnects[r];
      s.stats.lost_frames += lost_frames;
      if (s.dialing == link) s.dialing.reset();
      if (s.link == link) {
        s.link.reset();
        went_down = true;
      }
      MaybeRedial(i);
    }
    if (went_down && on_status_) on_status_(i, false);
  }

 private:
  struct Slot {
    Slot(asio::io_context& io, const TransportOptions& o, uint64_t seed)
        : redial(std::make_unique<asio::steady_timer>(io)), backoff(o.backoff_initial, o.backoff_max, seed) {}
    std::deque<FramePtr> queue;
    size_t queue_bytes = 0;
    std::shared_ptr<Connection> link;     // authenticated, carrying frames
    std::shared_ptr<Connection> dialing;  // our outbound attempt in progress
    std::unique_ptr<asio::steady_timer> redial;
    bool redial_scheduled = false;
    bool kick_posted = false;
    Backoff backoff;
    PeerStats stats;
  };

  PeerStats SnapshotLocked(PeerIndex i) const {
    PeerStats st = slots_[i].stats;
    const auto& link = slots_[i].link;
    st.connected = link != nullptr;
    st.dialing = slots_[i].dialing != nullptr;
    if (link) {
      st.direction = link->role() == Role::kDialer ? LinkDirection::kOutbound : LinkDirection::kInbound;
    }
    st.queued_frames = slots_[i].queue.size();
    st.queued_bytes = slots_[i].queue_bytes;
    return st;
  }

  std::chrono::milliseconds Grace(PeerIndex i) const {
    return self_.public_key() > peers_[i].public_key ? context_.options.dial_grace
                                                     : std::chrono::milliseconds(0);
  }

  // REQUIRES: mu_ held, io thread.
  void ScheduleDial(PeerIndex i, std::chrono::milliseconds delay) {
    Slot& s = slots_[i];
    s.redial_scheduled = true;
    s.redial->expires_after(delay);
    s.redial->async_wait([this, i](const error_code& ec) {
      if (!ec) Dial(i);
    });
  }

  // REQUIRES: mu_ held, io thread.
  void MaybeRedial(PeerIndex i) {
    Slot& s = slots_[i];
    if (stopping_ || !peers_[i].dialable() || s.link || s.dialing || s.redial_scheduled) return;
    ScheduleDial(i, s.backoff.Next() + Grace(i));
  }

  void Dial(PeerIndex i) {
    std::shared_ptr<Connection> conn;
    {
      std::lock_guard lock(mu_);
      Slot& s = slots_[i];
      s.redial_scheduled = false;
      if (stopping_ || s.link || s.dialing) return;
      conn = std::make_shared<Connection>(*this, context_, tcp::socket(io_), Role::kDialer, i,
                                          peers_[i].public_key);
      s.dialing = conn;
      ++s.stats.dial_attempts;
    }
    conn->StartDial(peers_[i].host, peers_[i].port);
  }

  void Accept() {
    acceptor_->async_accept([this](const error_code& ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      std::shared_ptr<Connection> conn;
      {
        std::lock_guard lock(mu_);
        if (stopping_) return;
        if (ec) {
          // Out of descriptors or similar: retry shortly rather than spin.
          accept_retry_.expires_after(std::chrono::milliseconds(50));
          accept_retry_.async_wait([this](const error_code& e) {
            if (!e) Accept();
          });
          return;
        }
        if (pending_inbound_.size() >= context_.options.max_pending_handshakes) {
          ++refused_[static_cast<size_t>(DisconnectReason::kTooManyPending)];
        } else {
          conn = std::make_shared<Connection>(*this, context_, std::move(socket), Role::kAcceptor,
                                              std::nullopt, std::string());
          pending_inbound_.insert(conn);
        }
      }
      if (conn) conn->StartAccept();  // else the refused socket closes here
      Accept();
    });
  }

  void Kick(PeerIndex i) {
    std::shared_ptr<Connection> link;
    {
      std::lock_guard lock(mu_);
      slots_[i].kick_posted = false;
      link = slots_[i].link;
    }
    if (link) link->Pump();
  }

  void CloseAll() {
    std::vector<std::shared_ptr<Connection>> all;
    {
      std::lock_guard lock(mu_);
      error_code ignored;
      if (acceptor_) acceptor_->close(ignored);
      accept_retry_.cancel();
      for (Slot& s : slots_) {
        s.redial->cancel();
        s.redial_scheduled = false;
        if (s.link) all.push_back(s.link);
        if (s.dialing) all.push_back(s.dialing);
      }
      all.insert(all.end(), pending_inbound_.begin(), pending_inbound_.end());
    }
    for (const auto& c : all) c->Close(DisconnectReason::kShutdown);
  }

  // Declared first so it is destroyed last: sockets and timers below use it.
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_{io_.get_executor()};
  const crypto::KeyPair self_;
  const std::vector<PeerConfig> peers_;
  const LinkContext context_;
  std::map<std::string, PeerIndex, std::less<>> by_key_;
  FrameHandler on_frame_;
  StatusHandler on_status_;
  std::optional<tcp::acceptor> acceptor_;
  asio::steady_timer accept_retry_;
  uint16_t listen_port_ = 0;

  std::mutex lifecycle_mu_;  // serializes Start and Stop
  bool running_ = false;     // io thread started; guarded by lifecycle_mu_
  std::thread thread_;
  std::atomic<std::thread::id> io_thread_id_{};

  mutable std::mutex mu_;  // guards everything below
  bool started_ = false;
  bool stopping_ = false;
  std::vector<Slot> slots_;
  std::set<std::shared_ptr<Connection>> pending_inbound_;
  DisconnectCounters refused_{};
};

Result<std::unique_ptr<Transport>> Transport::Create(crypto::KeyPair self, std::vector<PeerConfig> peers,
                                                     TransportOptions options) {
  crypto::InitCrypto();
  CC_RETURN_IF_ERROR(ValidateConfig(self, peers, options));
  return std::unique_ptr<Transport>(
      new Transport(std::make_unique<Impl>(std::move(self), std::move(peers), std::move(options))));
}

Transport::Transport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Transport::~Transport() { impl_->Stop(); }

Status Transport::Start(FrameHandler on_frame, StatusHandler on_status) {
  return impl_->Start(std::move(on_frame), std::move(on_status));
}
void Transport::Stop() { impl_->Stop(); }
uint16_t Transport::listen_port() const { return impl_->listen_port(); }

Status Transport::Send(PeerIndex peer, std::string frame) {
  if (peer >= impl_->peers().size()) {
    return Status::Error("unknown_peer", "no peer with index " + std::to_string(peer));
  }
  if (frame.size() > impl_->options().max_frame_size) {
    return Status::Error("frame_too_large",
                         "frame of " + std::to_string(frame.size()) + " bytes exceeds max_frame_size");
  }
  return impl_->Enqueue(peer, std::make_shared<const std::string>(std::move(frame)));
}

size_t Transport::Broadcast(std::string frame) {
  if (frame.size() > impl_->options().max_frame_size) return 0;
  const FramePtr shared = std::make_shared<const std::string>(std::move(frame));
  size_t accepted = 0;
  for (PeerIndex i = 0; i < impl_->peers().size(); ++i) {
    if (impl_->Enqueue(i, shared).ok()) ++accepted;
  }
  return accepted;
}

const crypto::KeyPair& Transport::identity() const { return impl_->self(); }
size_t Transport::peer_count() const { return impl_->peers().size(); }
const PeerConfig& Transport::peer(PeerIndex index) const { return impl_->peers().at(index); }
std::optional<PeerIndex> Transport::FindPeer(std::string_view public_key) const {
  return impl_->Find(public_key);
}
bool Transport::IsConnected(PeerIndex peer) const { return impl_->IsConnected(peer); }
PeerStats Transport::GetPeerStats(PeerIndex peer) const { return impl_->Stats(peer); }
TransportStats Transport::GetStats() const { return impl_->AllStats(); }

}  // namespace cc::p2p
