#include "tests/netns/host_network.h"

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/process.h"

namespace cc::netns {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::RunCommand;

constexpr const char* kScript = CC_SOURCE_DIR "/scripts/netns.sh";
constexpr const char* kSwitch = CC_BINARY_DIR "/tests/netns/netns_switch";
constexpr const char* kSubnet = "10.77.0";  // scripts/netns.sh's default

const std::string& IpCommand() {
  static const std::string path = [] {
    for (const char* p : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
      if (::access(p, X_OK) == 0) return std::string(p);
    }
    return std::string("/usr/sbin/ip");
  }();
  return path;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// "host:port" -> port; 0 if malformed.
uint16_t PortOf(const std::string& endpoint) {
  const size_t colon = endpoint.rfind(':');
  if (colon == std::string::npos) return 0;
  return static_cast<uint16_t>(std::stoul(endpoint.substr(colon + 1)));
}

}  // namespace

const std::string& HostNetwork::Unavailable() {
  static const std::string why = [] {
    const CommandResult r = RunCommand(kScript, {"check", "--switch", kSwitch}, std::chrono::seconds(30));
    if (r.exit.exited && r.exit.code == 0) return std::string();
    const std::string out = Trim(r.output);
    return out.empty() ? std::string("scripts/netns.sh check: ") + r.exit.ToString() : out;
  }();
  return why;
}

Result<std::unique_ptr<HostNetwork>> HostNetwork::Create(size_t hosts) {
  static std::atomic<int> counter{0};
  std::unique_ptr<HostNetwork> n(new HostNetwork());
  n->hosts_ = hosts;
  n->prefix_ = "cct" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  Status st =
      n->Script({"up", std::to_string(hosts), "--owner", std::to_string(::getpid()), "--switch", kSwitch});
  if (!st.ok()) return st;
  n->up_ = true;
  return n;
}

HostNetwork::~HostNetwork() {
  forwarders_.clear();
  if (up_) {
    Status st = Script({"down"});
    if (!st.ok()) std::cerr << "[netns] " << st.ToString() << "\n";
  }
}

std::string HostNetwork::Ip(size_t host) const {
  return std::string(kSubnet) + "." + std::to_string(host + 1);
}

std::vector<std::string> HostNetwork::LaunchPrefix(size_t host) const {
  return {IpCommand(), "netns", "exec", prefix_ + "-h" + std::to_string(host)};
}

Status HostNetwork::Script(const std::vector<std::string>& args, std::string* output) const {
  std::vector<std::string> full = args;
  full.push_back("--prefix");
  full.push_back(prefix_);
  const CommandResult r = RunCommand(kScript, full, std::chrono::seconds(60));
  if (output) *output = r.output;
  if (!r.exit.exited || r.exit.code != 0) {
    std::string line = "scripts/netns.sh";
    for (const auto& a : full) line += " " + a;
    return Status::Error("netns", line + ": " + r.exit.ToString() + "\n" + Trim(r.output));
  }
  return Status::Ok();
}

Status HostNetwork::PlaceNodes(const integration::TestNetwork& net) {
  if (net.size() != hosts_) return Status::Error("netns", "one host per node expected");
  std::map<std::string, size_t> host_of;
  for (size_t i = 0; i < net.size(); ++i) host_of[net.node(i).name] = i;
  for (size_t i = 0; i < net.size(); ++i) {
    const std::string& path = net.node(i).config_path;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    json j = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
    if (!j.is_object() || !j.contains("p2p_listen") || !j.contains("peers")) {
      return Status::Error("format", path + ": not a node config");
    }
    j["p2p_listen"] = Ip(i) + ":" + std::to_string(PortOf(j["p2p_listen"].get<std::string>()));
    j["http_listen"] = "127.0.0.1:" + std::to_string(net.node(i).http_port);
    for (auto& peer : j["peers"]) {
      const std::string name = peer.value("name", "");
      const std::string address = peer.value("address", "");
      if (!host_of.count(name)) return Status::Error("format", path + ": unknown peer " + name);
      const uint16_t port = PortOf(address);
      if (port != 0) peer["address"] = Ip(host_of[name]) + ":" + std::to_string(port);
    }
    std::ofstream out(path, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out.flush()) return Status::Error("io", path + ": cannot rewrite");

    auto forwarder = NsForwarder::Start(prefix_ + "-h" + std::to_string(i), net.node(i).http_port);
    if (!forwarder.ok()) return forwarder.status();
    forwarders_.push_back(std::move(forwarder).value());
  }
  return Status::Ok();
}

Status HostNetwork::Netem(const std::string& host, const std::string& words) {
  std::vector<std::string> args{"netem", host};
  std::istringstream in(words);
  for (std::string w; in >> w;) args.push_back(w);
  return Script(args);
}

Status HostNetwork::Cut(size_t host) { return Script({"cut", std::to_string(host)}); }

Status HostNetwork::CutOneWay(size_t from, size_t to) {
  return Script({"cut", std::to_string(from), std::to_string(to)});
}

Status HostNetwork::Heal() { return Script({"heal"}); }

std::string HostNetwork::Describe() const {
  std::string show;
  Status st = Script({"show"}, &show);
  std::string out = "network " + prefix_ + ":\n" + show;
  if (!st.ok()) out += st.ToString() + "\n";
  std::ifstream log("/run/cc-netns/" + prefix_ + "/switch.log");
  std::vector<std::string> lines;
  for (std::string line; std::getline(log, line);) lines.push_back(line);
  out += "----- last lines of the switch log -----\n";
  for (size_t k = lines.size() > 30 ? lines.size() - 30 : 0; k < lines.size(); ++k) out += lines[k] + "\n";
  return out;
}

}  // namespace cc::netns
