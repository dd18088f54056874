#include "tests/integration/test_network.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

namespace cc::integration {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kCreditd = CC_BINARY_DIR "/node/creditd";
constexpr const char* kCreditctl = CC_BINARY_DIR "/cli/creditctl";
constexpr uint16_t kHttpOffset = 100;  // creditctl network init: http = p2p + 100

bool PortFree(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// The kernel's ephemeral port range: outgoing connections may take any port in it
// between our probe and the node's bind, so bases below it are preferred.
std::pair<uint32_t, uint32_t> EphemeralRange() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  uint32_t lo = 32768, hi = 60999;
  in >> lo >> hi;
  return {lo, hi};
}

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Error("io", path + ": cannot open");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<uint16_t> PortOf(const json& j, const char* field, const std::string& file) {
  if (!j.contains(field) || !j[field].is_string()) return Status::Error("format", file + ": no " + field);
  const std::string text = j[field].get<std::string>();
  const size_t colon = text.rfind(':');
  uint16_t port = 0;
  const char* end = text.data() + text.size();
  if (colon == std::string::npos || std::from_chars(text.data() + colon + 1, end, port).ptr != end) {
    return Status::Error("format", file + ": " + field + ": " + text);
  }
  return port;
}

std::string Resolve(const std::string& base, const std::string& path) {
  return fs::path(path).is_absolute() ? path : (fs::path(base) / path).lexically_normal().string();
}

}  // namespace

Result<uint16_t> TestNetwork::PickBasePort(size_t nodes) {
  const auto [eph_lo, eph_hi] = EphemeralRange();
  (void)eph_hi;
  uint32_t lo = 30000, hi = 50000 - kHttpOffset - static_cast<uint32_t>(nodes);
  if (eph_lo > lo + 1000 && eph_lo - kHttpOffset - nodes > lo)
    hi = std::min<uint32_t>(hi, eph_lo - kHttpOffset - nodes);
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<uint32_t> dist(lo, hi);
  for (int attempt = 0; attempt < 200; ++attempt) {
    const uint16_t base = static_cast<uint16_t>(dist(rng));
    bool free = true;
    for (size_t k = 0; k < nodes && free; ++k) {
      free = PortFree(static_cast<uint16_t>(base + k)) &&
             PortFree(static_cast<uint16_t>(base + kHttpOffset + k));
    }
    if (free) return base;
  }
  return Status::Error("no_ports", "no free base port found in 200 attempts");
}

Result<std::unique_ptr<TestNetwork>> TestNetwork::Create(const NetworkOptions& options) {
  std::unique_ptr<TestNetwork> net(new TestNetwork());
  Status st = net->Init(options);
  if (!st.ok()) return st;
  return net;
}

Status TestNetwork::Init(const NetworkOptions& options) {
  char tmpl[] = "/tmp/cc-integration-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return Status::Error("io", "mkdtemp failed");
  dir_ = tmpl;
  net_dir_ = dir_ + "/net";
  validators_ = options.validators;
  launch_prefix_ = options.launch_prefix;
  fs::create_directories(dir_ + "/logs");
  fs::create_directories(dir_ + "/bin");
  // Private links to the binaries: every node of this network runs the same
  // creditd even if the build tree is relinked meanwhile (the linker replaces the
  // file, the link keeps the old inode). A copy if linking is impossible.
  creditd_ = dir_ + "/bin/creditd";
  creditctl_ = dir_ + "/bin/creditctl";
  for (const auto& [from, to] :
       {std::pair<std::string, std::string>{kCreditd, creditd_}, {kCreditctl, creditctl_}}) {
    std::error_code ec;
    fs::create_hard_link(from, to, ec);
    if (ec) fs::copy_file(from, to, ec);
    if (ec) return Status::Error("io", "cannot link or copy " + from + " to " + to + ": " + ec.message());
    // A binary still being written by a concurrent build cannot be executed
    // (ETXTBSY) or is truncated; wait, bounded, until it runs.
    CommandResult probe;
    for (int attempt = 0; attempt < 60; ++attempt) {
      probe = RunCommand(to, {"--help"}, std::chrono::seconds(10));
      if (probe.exit.exited && probe.exit.code == 0) break;
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    if (!probe.exit.exited || probe.exit.code != 0) {
      return Status::Error("binary", to + " --help: " + probe.exit.ToString() + "\n" + probe.output);
    }
  }

  const size_t total = options.validators + options.observers;
  auto base = PickBasePort(total);
  if (!base.ok()) return base.status();
  CommandResult init =
      RunCommand(creditctl_, {"network", "init", "--validators", std::to_string(options.validators),
                              "--observers", std::to_string(options.observers), "--out", net_dir_,
                              "--base-port", std::to_string(*base)});
  if (!init.exit.exited || init.exit.code != 0) {
    return Status::Error("network_init",
                         "creditctl network init: " + init.exit.ToString() + "\n" + init.output);
  }
  auto bench = cli::LoadBenchNetwork(net_dir_);
  if (!bench.ok()) return bench.status();
  bench_ = std::move(bench).value();

  auto genesis_text = ReadText(net_dir_ + "/genesis.json");
  if (!genesis_text.ok()) return genesis_text.status();
  const json genesis = json::parse(*genesis_text, nullptr, /*allow_exceptions=*/false);
  if (!genesis.is_object() || !genesis.contains("validators")) return Status::Error("format", "genesis.json");
  for (const auto& v : genesis["validators"]) validator_keys_.push_back(v.value("public_key", ""));

  std::vector<NodeInfo> validators, observers;
  for (const auto& entry : fs::directory_iterator(net_dir_)) {
    const std::string file = entry.path().filename().string();
    if (file.rfind("node-", 0) != 0 || entry.path().extension() != ".json") continue;
    auto text = ReadText(entry.path().string());
    if (!text.ok()) return text.status();
    json j = json::parse(*text, nullptr, false);
    if (!j.is_object()) return Status::Error("format", file + ": not JSON");
    NodeInfo n;
    n.name = j.value("name", "");
    n.validator = j.value("role", "") == "validator";
    auto p2p = PortOf(j, "p2p_listen", file);
    auto http = PortOf(j, "http_listen", file);
    if (!p2p.ok()) return p2p.status();
    if (!http.ok()) return http.status();
    n.p2p_port = *p2p;
    n.http_port = *http;
    n.config_path = entry.path().string();
    n.data_dir = Resolve(net_dir_, j.value("data_dir", ""));
    n.key_file = Resolve(net_dir_, j.value("key_file", ""));
    n.log_path = dir_ + "/logs/" + n.name + ".log";
    // Faster failure detection than the generated defaults (node/config.h).
    j["consensus"]["tick_ms"] = options.tick_ms;
    j["consensus"]["view_change_timeout_ticks"] = options.view_change_timeout_ticks;
    std::ofstream out(n.config_path, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out.flush()) return Status::Error("io", n.config_path + ": cannot rewrite");
    (n.validator ? validators : observers).push_back(std::move(n));
  }
  // Validators by http port = validator index order (network init assigns ports so).
  auto by_port = [](const NodeInfo& a, const NodeInfo& b) { return a.http_port < b.http_port; };
  std::sort(validators.begin(), validators.end(), by_port);
  std::sort(observers.begin(), observers.end(), by_port);
  nodes_ = std::move(validators);
  for (auto& o : observers) nodes_.push_back(std::move(o));
  if (nodes_.size() != total)
    return Status::Error("format", "expected " + std::to_string(total) + " node configs");
  for (size_t i = 0; i < options.validators; ++i) {
    if (nodes_[i].name != "validator-" + std::to_string(i)) {
      return Status::Error("format", "node " + std::to_string(i) + " is " + nodes_[i].name);
    }
  }
  for (size_t i = 0; i < total; ++i) procs_.push_back(std::make_unique<ChildProcess>());
  return Status::Ok();
}

TestNetwork::~TestNetwork() {
  for (auto& p : procs_) p->Kill();
  const char* keep = std::getenv("CC_INTEGRATION_KEEP");
  if (!dir_.empty() && !keep_folder_ && !(keep && std::string(keep) == "1")) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

Status TestNetwork::Start(size_t i) {
  std::string error;
  {
    std::ofstream log(nodes_[i].log_path, std::ios::app);
    log << "==== [integration test] starting " << nodes_[i].name << "\n";
  }
  std::vector<std::string> command{creditd_, "--config", nodes_[i].config_path};
  if (launch_prefix_) {
    std::vector<std::string> prefix = launch_prefix_(i);
    command.insert(command.begin(), prefix.begin(), prefix.end());
  }
  const std::string program = command.front();
  command.erase(command.begin());
  if (!procs_[i]->Start(program, command, nodes_[i].log_path, &error)) {
    return Status::Error("start", nodes_[i].name + ": " + error);
  }
  return Status::Ok();
}

Status TestNetwork::StartAll() {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    Status st = Start(i);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

ExitInfo TestNetwork::Kill(size_t i) {
  ExitInfo info = procs_[i]->Kill();
  std::ofstream log(nodes_[i].log_path, std::ios::app);
  log << "==== [integration test] SIGKILLed " << nodes_[i].name << "\n";
  return info;
}

Status TestNetwork::Terminate(size_t i, std::chrono::milliseconds timeout) {
  if (!procs_[i]->running()) return Status::Error("not_running", nodes_[i].name + " is not running");
  procs_[i]->Signal(SIGTERM);
  auto info = procs_[i]->WaitFor(timeout);
  if (!info) {
    procs_[i]->Kill();
    return Status::Error("timeout", nodes_[i].name + " did not exit within the deadline after SIGTERM");
  }
  if (!info->exited || info->code != 0) {
    return Status::Error("exit", nodes_[i].name + " ended with " + info->ToString() + " after SIGTERM");
  }
  return Status::Ok();
}

Status TestNetwork::WaitReady(size_t i, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  NodeApi api(nodes_[i].http_port, bench_.token, std::chrono::milliseconds(2000));
  for (;;) {
    if (auto ended = procs_[i]->Poll()) {
      return Status::Error("exited", nodes_[i].name + " exited (" + ended->ToString() +
                                         ") before it was ready:\n" + LogTail(i));
    }
    if (!procs_[i]->running()) return Status::Error("not_running", nodes_[i].name + " is not running");
    auto code = api.Readyz();
    if (code.ok() && *code == 200) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Error(
          "timeout", nodes_[i].name + " not ready within the deadline (last: " +
                         (code.ok() ? "HTTP " + std::to_string(*code) : code.status().ToString()) + ")");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Status TestNetwork::WaitAllReady(std::chrono::milliseconds timeout) {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (!procs_[i]->running()) continue;
    Status st = WaitReady(i, timeout);
    if (!st.ok()) return st;
  }
  return Status::Ok();
}

std::unique_ptr<NodeApi> TestNetwork::Api(size_t i) const {
  return std::make_unique<NodeApi>(nodes_[i].http_port, bench_.token);
}

std::string TestNetwork::LogTail(size_t i, size_t lines) const {
  std::ifstream in(nodes_[i].log_path);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(std::move(line));
  std::string out;
  for (size_t k = all.size() > lines ? all.size() - lines : 0; k < all.size(); ++k) out += all[k] + "\n";
  return out;
}

std::string TestNetwork::AllLogTails(size_t lines) const {
  std::string out;
  for (size_t i = 0; i < nodes_.size(); ++i) {
    out += "----- last " + std::to_string(lines) + " lines of " + nodes_[i].log_path + " -----\n" +
           LogTail(i, lines);
  }
  return out;
}

}  // namespace cc::integration
