#include "p2p/connection.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <string_view>

namespace cc::p2p {

namespace asio = boost::asio;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {
// Frames pulled from the queue per write; keeps one write's buffer bounded while
// letting small frames share a syscall.
constexpr size_t kMaxBatchBytes = 1 << 20;
// Buffers grown past this by one large frame are released afterwards, so an idle
// link does not keep a 16 MiB buffer.
constexpr size_t kKeepBufferBytes = 1 << 20;

void Release(std::string& buffer) {
  if (buffer.capacity() > kKeepBufferBytes) std::string().swap(buffer);
}
}  // namespace

Connection::Connection(LinkHost& host, const LinkContext& context, tcp::socket socket, Role role,
                       std::optional<PeerIndex> peer, std::string expected_identity)
    : host_(host),
      context_(context),
      socket_(std::move(socket)),
      resolver_(socket_.get_executor()),
      deadline_(socket_.get_executor()),
      keepalive_(socket_.get_executor()),
      role_(role),
      peer_(peer),
      handshake_(role, context.self, context.options.chain_id, context.boot_id,
                 std::move(expected_identity)) {}

const std::string& Connection::dialer_identity() const {
  return role_ == Role::kDialer ? context_.self.public_key() : handshake_.peer_identity();
}

void Connection::StartDial(const std::string& host, uint16_t port) {
  state_ = State::kConnecting;
  ArmDeadline();
  auto self = shared_from_this();
  error_code ec;
  const asio::ip::address address = asio::ip::make_address(host, ec);
  if (!ec) {
    socket_.async_connect(tcp::endpoint(address, port), [self](const error_code& e) {
      if (self->closed()) return;
      if (e) return self->Close(DisconnectReason::kConnectFailed);
      self->OnConnected();
    });
    return;
  }
  resolver_.async_resolve(
      host, std::to_string(port), [self](const error_code& e, const tcp::resolver::results_type& results) {
        if (self->closed()) return;
        if (e) return self->Close(DisconnectReason::kConnectFailed);
        asio::async_connect(self->socket_, results, [self](const error_code& e2, const tcp::endpoint&) {
          if (self->closed()) return;
          if (e2) return self->Close(DisconnectReason::kConnectFailed);
          self->OnConnected();
        });
      });
}

void Connection::OnConnected() {
  error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  socket_.set_option(asio::socket_base::keep_alive(true), ignored);
  state_ = State::kHello;
  QueueRaw(handshake_.hello());
  ReadHello();
}

void Connection::StartAccept() {
  error_code ignored;
  socket_.set_option(tcp::no_delay(true), ignored);
  socket_.set_option(asio::socket_base::keep_alive(true), ignored);
  state_ = State::kHello;
  ArmDeadline();
  ReadHello();
}

void Connection::ReadHello() {
  asio::async_read(socket_, asio::buffer(hello_buf_),
                   [self = shared_from_this()](const error_code& ec, size_t) {
                     if (self->closed()) return;
                     if (ec) return self->Fail(ec);
                     self->OnHello();
                   });
}

void Connection::OnHello() {
  const Status status = handshake_.ReadPeerHello(std::string_view(hello_buf_.data(), hello_buf_.size()));
  if (!status.ok()) return FailStatus(status);
  sealer_.emplace(handshake_.tx_key());
  opener_.emplace(handshake_.rx_key());
  state_ = State::kAuth;
  if (role_ == Role::kAcceptor) {
    QueueRaw(handshake_.hello());
  } else {
    std::string record;
    sealer_->Seal(RecordType::kAuth, handshake_.MakeAuth(), record);
    QueueRaw(record);
  }
  ReadHeader();
}

void Connection::ReadHeader() {
  asio::async_read(socket_, asio::buffer(header_), [self = shared_from_this()](const error_code& ec, size_t) {
    if (self->closed()) return;
    if (ec) return self->Fail(ec);
    const uint32_t length = DecodeRecordLength(self->header_.data());
    if (self->state_ == State::kAuth) {
      // Before authentication only the fixed-size auth record is acceptable, so
      // an unauthenticated peer can make us allocate at most that much.
      if (length > kAuthRecordLength) return self->Close(DisconnectReason::kFrameTooLarge);
      if (length != kAuthRecordLength) return self->Close(DisconnectReason::kBadHandshake);
    } else {
      const Status status = CheckRecordLength(length, self->context_.options.max_frame_size);
      if (!status.ok()) return self->FailStatus(status);
    }
    self->body_.resize(length);
    self->body_read_ = 0;
    self->ReadBody();
  });
}

void Connection::ReadBody() {
  // Read piecewise so that progress on one large record counts as activity for the
  // idle timeout (the sender cannot interleave pings inside a record).
  socket_.async_read_some(asio::buffer(body_.data() + body_read_, body_.size() - body_read_),
                          [self = shared_from_this()](const error_code& ec, size_t n) {
                            if (self->closed()) return;
                            if (ec) return self->Fail(ec);
                            self->last_recv_ = Clock::now();
                            self->body_read_ += n;
                            if (self->body_read_ < self->body_.size()) return self->ReadBody();
                            Result<Record> record = self->opener_->Open(self->header_.data(), self->body_);
                            Release(self->body_);
                            if (!record.ok()) return self->FailStatus(record.status());
                            self->OnRecord(std::move(record).value());
                          });
}

void Connection::OnRecord(Record record) {
  if (state_ == State::kAuth) {
    if (record.type != RecordType::kAuth) return Close(DisconnectReason::kBadHandshake);
    return OnAuth(record.body);
  }
  switch (record.type) {
    case RecordType::kData:
      host_.OnFrame(*peer_, std::move(record.body));
      break;
    case RecordType::kPing:
      break;
    case RecordType::kAuth:
      return Close(DisconnectReason::kBadFrame);
  }
  if (!closed()) ReadHeader();
}

void Connection::OnAuth(const std::string& body) {
  const Status status = handshake_.ReadPeerAuth(body);
  if (!status.ok()) return FailStatus(status);
  if (role_ == Role::kAcceptor) {
    peer_ = host_.Authorize(handshake_.peer_identity());
    if (!peer_) return Close(DisconnectReason::kUnknownPeer);
    std::string record;
    sealer_->Seal(RecordType::kAuth, handshake_.MakeAuth(), record);
    QueueRaw(record);
  }
  Establish();
}

void Connection::Establish() {
  state_ = State::kEstablished;
  deadline_.cancel();
  last_recv_ = last_send_ = Clock::now();
  ArmKeepalive();
  host_.OnEstablished(shared_from_this());
  if (closed()) return;
  ReadHeader();
  Pump();
}

void Connection::QueueRaw(std::string_view bytes) {
  pending_.append(bytes);
  Pump();
}

void Connection::Pump() {
  if (closed() || writing_) return;
  if (state_ == State::kEstablished && pending_.empty()) {
    std::vector<FramePtr> frames;
    host_.TakeFrames(*this, kMaxBatchBytes, frames);
    for (const FramePtr& frame : frames) {
      sealer_->Seal(RecordType::kData, *frame, pending_);
      inflight_bytes_ += frame->size();
    }
    inflight_frames_ = frames.size();
    if (frames.empty() && ping_due_) sealer_->Seal(RecordType::kPing, {}, pending_);
  }
  if (pending_.empty()) return;
  ping_due_ = false;
  writing_buf_.swap(pending_);
  pending_.clear();
  writing_ = true;
  asio::async_write(socket_, asio::buffer(writing_buf_),
                    [self = shared_from_this()](const error_code& ec, size_t) {
                      if (self->closed()) return;
                      self->writing_ = false;
                      if (ec) return self->Fail(ec);
                      self->last_send_ = Clock::now();
                      if (self->inflight_frames_ > 0) {
                        self->host_.OnSent(*self->peer_, self->inflight_frames_, self->inflight_bytes_);
                        self->inflight_frames_ = 0;
                        self->inflight_bytes_ = 0;
                      }
                      self->writing_buf_.clear();
                      Release(self->writing_buf_);
                      self->Pump();
                    });
}

void Connection::ArmDeadline() {
  deadline_.expires_after(context_.options.handshake_timeout);
  deadline_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (ec || self->closed() || self->established()) return;
    self->Close(self->state_ == State::kConnecting ? DisconnectReason::kConnectFailed
                                                   : DisconnectReason::kHandshakeTimeout);
  });
}

void Connection::ArmKeepalive() {
  const TransportOptions& o = context_.options;
  keepalive_.expires_after(std::min(o.keepalive_interval, o.idle_timeout));
  keepalive_.async_wait([self = shared_from_this()](const error_code& ec) {
    if (ec || !self->established()) return;
    const TransportOptions& opts = self->context_.options;
    const auto now = Clock::now();
    if (now - self->last_recv_ >= opts.idle_timeout) {
      return self->Close(DisconnectReason::kIdleTimeout);
    }
    if (now - self->last_send_ >= opts.keepalive_interval && !self->writing_) {
      self->ping_due_ = true;
      self->Pump();
    }
    self->ArmKeepalive();
  });
}

void Connection::Fail(const error_code& ec) {
  if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
      ec == asio::error::connection_aborted) {
    return Close(DisconnectReason::kClosedByPeer);
  }
  Close(DisconnectReason::kIoError);
}

void Connection::FailStatus(const Status& status) { Close(DisconnectReasonFromCode(status.code())); }

void Connection::Close(DisconnectReason reason) {
  if (closed()) return;
  state_ = State::kClosed;
  error_code ignored;
  resolver_.cancel();
  deadline_.cancel();
  keepalive_.cancel();
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  const size_t lost = inflight_frames_;
  inflight_frames_ = 0;
  inflight_bytes_ = 0;
  host_.OnClosed(shared_from_this(), reason, lost);
}

}  // namespace cc::p2p
