// HostNetwork: the test side of scripts/netns.sh. Makes one network namespace per
// node ("host"), joined by the user-space switch of tests/netns/netns_switch.cc, and
// places a TestNetwork's nodes on them: node i on host i at 10.77.0.(i+1), its P2P
// port there, its HTTP API on the host's own loopback, reached from the test through
// an NsForwarder at 127.0.0.1:http_port (see ns_forwarder.h for why).
//
// Usage: Create(n) -> TestNetwork::Create with launch_prefix = LaunchPrefix ->
// PlaceNodes(net) -> net.StartAll(). Impairments (Netem, Cut, CutOneWay, Heal) go
// through the script, so the tests exercise the same commands a developer types.
//
// Every network gets a prefix unique to this process ("cct<pid>-<k>"), so parallel
// test binaries never share a namespace. The destructor stops the forwarders and
// runs `scripts/netns.sh down`; the switch is started with --owner <this pid>, so
// even a test binary killed by a timeout leaves no namespace behind.
//
// Thread safety: Create/destroy from the test's main thread; the impairment calls
// from any one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "tests/integration/test_network.h"
#include "tests/netns/ns_forwarder.h"

namespace cc::netns {

class HostNetwork {
 public:
  // "" when this machine can make a network (root, `ip`, /dev/net/tun, the switch
  // binary, a trial namespace: `scripts/netns.sh check`); otherwise what is missing.
  // Computed once per process.
  static const std::string& Unavailable();

  static Result<std::unique_ptr<HostNetwork>> Create(size_t hosts);
  ~HostNetwork();
  HostNetwork(const HostNetwork&) = delete;
  HostNetwork& operator=(const HostNetwork&) = delete;

  size_t hosts() const { return hosts_; }
  const std::string& prefix() const { return prefix_; }
  std::string Ip(size_t host) const;
  // {"/usr/sbin/ip", "netns", "exec", <host's namespace>}: for NetworkOptions.
  std::vector<std::string> LaunchPrefix(size_t host) const;

  // Rewrites every node config of `net` for its host (P2P listen and peer addresses
  // on the hosts' addresses; HTTP on 127.0.0.1 inside the host) and forwards each
  // node's HTTP port. REQUIRES: net.size() == hosts(), nodes not started.
  Status PlaceNodes(const integration::TestNetwork& net);

  // `scripts/netns.sh netem <host|all> <words>`, e.g. Netem("all", "delay 50ms 10ms").
  Status Netem(const std::string& host, const std::string& words);
  Status Cut(size_t host);                   // every frame from and to `host`
  Status CutOneWay(size_t from, size_t to);  // frames from `from` to `to`
  Status Heal();                             // every cut
  // `scripts/netns.sh show` and the switch log's last lines, for failure reports.
  std::string Describe() const;

 private:
  HostNetwork() = default;
  Status Script(const std::vector<std::string>& args, std::string* output = nullptr) const;

  size_t hosts_ = 0;
  std::string prefix_;
  bool up_ = false;
  std::vector<std::unique_ptr<NsForwarder>> forwarders_;
};

}  // namespace cc::netns
