// NsForwarder: the test's way into a host namespace. It listens on 127.0.0.1:port in
// the namespace of the test binary and relays every connection to 127.0.0.1:port
// inside another network namespace (/run/netns/NAME), where a creditd serves its HTTP
// API on its own loopback.
//
// So the test reaches every node's API at 127.0.0.1:http_port, as on a one-host
// network (TestNetwork, NodeApi, LoadGenerator and `creditctl bench` work unchanged),
// and the API traffic never crosses the switch: delays and cuts apply to the nodes'
// P2P traffic only, and a cut-off node can still be asked for its status.
//
// One thread per forwarder: it enters the target namespace (setns applies to the
// calling thread only) so the sockets it dials are there, while the listening socket
// was made before, in the test's namespace. A connection the node refuses (not up
// yet, or restarting) is closed at once, which clients see as a failed request.
//
// Thread safety: construct and destroy from one thread; the relay runs on its own.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"

namespace cc::netns {

class NsForwarder {
 public:
  // Listens on 127.0.0.1:`port` (here) and relays to 127.0.0.1:`port` in the
  // namespace /run/netns/`netns`. Code "io" if the port cannot be bound or the
  // namespace cannot be opened.
  static Result<std::unique_ptr<NsForwarder>> Start(const std::string& netns, uint16_t port);
  ~NsForwarder();  // stops the relay and closes every connection
  NsForwarder(const NsForwarder&) = delete;
  NsForwarder& operator=(const NsForwarder&) = delete;

  uint64_t connections() const { return connections_.load(); }

 private:
  NsForwarder() = default;
  void Run();

  int listen_fd_ = -1;
  int netns_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: stop
  uint16_t port_ = 0;
  std::atomic<uint64_t> connections_{0};
  std::thread thread_;
};

}  // namespace cc::netns
