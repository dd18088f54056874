#include "tests/netns/ns_forwarder.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <list>
#include <vector>

namespace cc::netns {
namespace {

constexpr size_t kMaxBuffered = 1 << 20;  // per direction, before reading pauses

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  return addr;
}

// One direction of a relayed connection.
struct Flow {
  std::string pending;  // read from the source, not yet written to the sink
  bool eof = false;     // the source has ended
  bool shut = false;    // the sink was told (shutdown SHUT_WR)
};

struct Relay {
  int client = -1;
  int node = -1;
  Flow up;    // client -> node
  Flow down;  // node -> client
  bool failed = false;
};

// Reads what `from` has (without blocking) into `flow`.
void Pull(int from, Flow& flow, bool& failed) {
  char buf[16384];
  while (!flow.eof && flow.pending.size() < kMaxBuffered) {
    const ssize_t n = ::recv(from, buf, sizeof buf, 0);
    if (n > 0) {
      flow.pending.append(buf, static_cast<size_t>(n));
    } else if (n == 0) {
      flow.eof = true;
    } else {
      if (errno != EAGAIN && errno != EINTR) failed = true;
      return;
    }
  }
}

// Writes what it can of `flow` to `to`; passes the end on once everything is out.
void Push(int to, Flow& flow, bool& failed) {
  while (!flow.pending.empty()) {
    const ssize_t n = ::send(to, flow.pending.data(), flow.pending.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno != EAGAIN && errno != EINTR) failed = true;
      return;
    }
    flow.pending.erase(0, static_cast<size_t>(n));
  }
  if (flow.eof && !flow.shut) {
    ::shutdown(to, SHUT_WR);
    flow.shut = true;
  }
}

}  // namespace

Result<std::unique_ptr<NsForwarder>> NsForwarder::Start(const std::string& netns, uint16_t port) {
  std::unique_ptr<NsForwarder> f(new NsForwarder());
  f->port_ = port;
  const std::string path = "/run/netns/" + netns;
  f->netns_fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (f->netns_fd_ < 0) return Status::Error("io", "open " + path + ": " + std::strerror(errno));
  f->listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(f->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const sockaddr_in addr = Loopback(port);
  if (f->listen_fd_ < 0 ||
      ::bind(f->listen_fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(f->listen_fd_, 128) != 0) {
    return Status::Error("io", "listen on 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(errno));
  }
  f->wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (f->wake_fd_ < 0) return Status::Error("io", std::string("eventfd: ") + std::strerror(errno));
  f->thread_ = std::thread([raw = f.get()] { raw->Run(); });
  return f;
}

NsForwarder::~NsForwarder() {
  if (thread_.joinable()) {
    const uint64_t one = 1;
    (void)!::write(wake_fd_, &one, sizeof one);
    thread_.join();
  }
  for (int fd : {listen_fd_, netns_fd_, wake_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

void NsForwarder::Run() {
  // From here on, sockets this thread makes are in the node's namespace.
  const bool entered = ::setns(netns_fd_, CLONE_NEWNET) == 0;
  if (!entered) std::cerr << "[netns] forwarder :" << port_ << ": setns: " << std::strerror(errno) << "\n";
  std::list<Relay> relays;
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({wake_fd_, POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (const Relay& r : relays) {
      const short client_events =
          static_cast<short>((!r.up.eof && r.up.pending.size() < kMaxBuffered ? POLLIN : 0) |
                             (r.down.pending.empty() ? 0 : POLLOUT));
      const short node_events =
          static_cast<short>((!r.down.eof && r.down.pending.size() < kMaxBuffered ? POLLIN : 0) |
                             (r.up.pending.empty() ? 0 : POLLOUT));
      fds.push_back({r.client, client_events, 0});
      fds.push_back({r.node, node_events, 0});
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents) break;
    size_t k = 2;
    for (auto it = relays.begin(); it != relays.end(); k += 2) {
      Relay& r = *it;
      if (fds[k].revents | fds[k + 1].revents) {
        Pull(r.client, r.up, r.failed);
        Pull(r.node, r.down, r.failed);
        Push(r.node, r.up, r.failed);
        Push(r.client, r.down, r.failed);
      }
      const bool done = r.up.shut && r.down.shut;
      if (r.failed || done) {
        ::close(r.client);
        ::close(r.node);
        it = relays.erase(it);
      } else {
        ++it;
      }
    }
    if (fds[1].revents & POLLIN) {
      for (;;) {
        const int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (client < 0) break;
        ++connections_;
        const int node = entered ? ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0) : -1;
        const sockaddr_in addr = Loopback(port_);
        // A loopback connect completes or is refused at once.
        if (node < 0 || ::connect(node, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
          if (node >= 0) ::close(node);
          ::close(client);
          continue;
        }
        ::fcntl(node, F_SETFL, ::fcntl(node, F_GETFL) | O_NONBLOCK);
        relays.push_back(Relay{client, node, {}, {}, false});
      }
    }
  }
  for (Relay& r : relays) {
    ::close(r.client);
    ::close(r.node);
  }
}

}  // namespace cc::netns
