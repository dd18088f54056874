// netns_switch: the Ethernet switch of a scripts/netns.sh network, in user space.
//
// Why user space: the kernels this project's machines and CI run have no sch_netem
// (and no tc drop action), so `tc qdisc ... netem` cannot delay, drop or reorder. The
// switch does it instead: each host namespace gets a TAP device "eth0" whose file
// descriptor the switch holds; every frame a host sends is read here, passed through
// a LinkModel (tests/netns/link_model.h: delay, jitter, loss, reordering, cuts) and
// written to the destination host's TAP when due. The TAPs carry no offloads, so
// frames are ordinary MTU-sized Ethernet frames with complete checksums.
//
//   netns_switch serve --hosts N --netns-prefix P --state DIR [--owner PID] [--seed S]
//       Creates "eth0" in /run/netns/P0 .. P{N-1}, listens for commands on
//       DIR/ctl.sock and switches frames until "quit", SIGTERM or SIGINT (the TAPs
//       disappear with the process). With --owner, when process PID ends (a test
//       binary that was killed), the switch also deletes the namespaces and DIR: a
//       dead test leaves nothing behind.
//   netns_switch ctl DIR WORDS...
//       Sends one command and prints the answer; exit 0 on "ok", 1 otherwise.
//       Commands: ping | netem <host|all> <netem words> | cut <host> [<to>] |
//       heal [<host> [<to>]] | show | quit.
//
// Learning is trivial: each TAP is one host, so a host's MAC is the source address
// of its frames; broadcast, multicast and unknown unicast go to every other host.
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/netns/link_model.h"

namespace cc::netns {
namespace {

constexpr size_t kMaxHosts = 64;
constexpr size_t kMaxQueuedFrames = 200000;
constexpr size_t kMaxFrame = 65536;

volatile sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

std::string Errno(const std::string& what) { return what + ": " + std::strerror(errno); }

Nanos Now() { return std::chrono::steady_clock::now().time_since_epoch(); }

std::optional<size_t> ParseIndex(const std::string& text) {
  size_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

std::string CtlPath(const std::string& state) { return state + "/ctl.sock"; }

// A TAP device "eth0" in the network namespace at `ns_path`; -1 and `error` on failure.
int MakeTap(const std::string& ns_path, std::string* error) {
  const int self = ::open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  const int target = ::open(ns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (self < 0 || target < 0) {
    *error = Errno("open " + ns_path);
    if (self >= 0) ::close(self);
    if (target >= 0) ::close(target);
    return -1;
  }
  int fd = -1;
  if (::setns(target, CLONE_NEWNET) != 0) {
    *error = Errno("setns " + ns_path);
  } else {
    // The TAP belongs to the namespace the opener is in when /dev/net/tun is opened.
    fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    ifreq ifr{};
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    std::strncpy(ifr.ifr_name, "eth0", IFNAMSIZ - 1);
    if (fd < 0) {
      *error = Errno("open /dev/net/tun");
    } else if (::ioctl(fd, TUNSETIFF, &ifr) != 0) {
      *error = Errno("TUNSETIFF eth0 in " + ns_path);
      ::close(fd);
      fd = -1;
    }
    if (::setns(self, CLONE_NEWNET) != 0) {
      *error = Errno("setns back");
      if (fd >= 0) ::close(fd);
      fd = -1;
    }
  }
  ::close(self);
  ::close(target);
  return fd;
}

using Mac = std::array<uint8_t, 6>;

struct Pending {
  Nanos due;
  uint64_t seq;
  size_t to;
  std::string frame;
};
// Min-heap order: earliest due first, then arrival order.
bool Later(const Pending& a, const Pending& b) { return a.due != b.due ? a.due > b.due : a.seq > b.seq; }

struct HostCounters {
  uint64_t frames_in = 0;   // read from the host's TAP
  uint64_t frames_out = 0;  // written to the host's TAP
  uint64_t dropped = 0;     // of the frames it sent: cut, lost, or queue full
};

class Switch {
 public:
  Switch(size_t hosts, uint64_t seed)
      : model_(hosts, seed), taps_(hosts, -1), macs_(hosts), counters_(hosts) {}
  ~Switch() {
    for (int fd : taps_) {
      if (fd >= 0) ::close(fd);
    }
    if (ctl_ >= 0) ::close(ctl_);
    if (owner_ >= 0) ::close(owner_);
  }

  bool Init(const std::string& netns_prefix, const std::string& state, int owner_pid) {
    for (size_t h = 0; h < taps_.size(); ++h) {
      std::string error;
      taps_[h] = MakeTap("/run/netns/" + netns_prefix + std::to_string(h), &error);
      if (taps_[h] < 0) {
        std::cerr << "netns_switch: " << error << "\n";
        return false;
      }
    }
    ctl_path_ = CtlPath(state);
    ctl_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (ctl_ < 0 || ctl_path_.size() >= sizeof addr.sun_path) {
      std::cerr << "netns_switch: cannot make the control socket " << ctl_path_ << "\n";
      return false;
    }
    std::strncpy(addr.sun_path, ctl_path_.c_str(), sizeof addr.sun_path - 1);
    ::unlink(ctl_path_.c_str());
    if (::bind(ctl_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(ctl_, 16) != 0) {
      std::cerr << "netns_switch: " << Errno("bind " + ctl_path_) << "\n";
      return false;
    }
    if (owner_pid > 0) {
      owner_ = static_cast<int>(::syscall(SYS_pidfd_open, owner_pid, 0));
      if (owner_ < 0) {
        std::cerr << "netns_switch: " << Errno("pidfd_open " + std::to_string(owner_pid)) << "\n";
        return false;
      }
    }
    netns_prefix_ = netns_prefix;
    state_ = state;
    return true;
  }

  // Runs until quit, a signal, or the owner's end. Returns whether the owner ended.
  bool Run() {
    std::vector<pollfd> fds;
    for (int fd : taps_) fds.push_back({fd, POLLIN, 0});
    fds.push_back({ctl_, POLLIN, 0});
    if (owner_ >= 0) fds.push_back({owner_, POLLIN, 0});
    const size_t hosts = taps_.size();
    while (!quit_ && !g_stop) {
      Deliver(Now());
      timespec timeout{};
      timespec* wait = nullptr;
      if (!queue_.empty()) {
        const Nanos left = std::max(Nanos(0), queue_.front().due - Now());
        timeout.tv_sec = static_cast<time_t>(left.count() / 1'000'000'000);
        timeout.tv_nsec = static_cast<long>(left.count() % 1'000'000'000);
        wait = &timeout;
      }
      const int r = ::ppoll(fds.data(), fds.size(), wait, nullptr);
      if (r < 0) {
        if (errno == EINTR) continue;
        std::cerr << "netns_switch: " << Errno("ppoll") << "\n";
        return false;
      }
      for (size_t h = 0; h < hosts; ++h) {
        if (fds[h].revents & POLLIN) ReadHost(h);
      }
      if (fds[hosts].revents & POLLIN) Control();
      if (owner_ >= 0 && (fds[hosts + 1].revents & POLLIN)) {
        std::cerr << "netns_switch: the owner process ended; removing the network\n";
        return true;
      }
    }
    return false;
  }

  // What `ip netns del` does, for every host namespace, then the state folder.
  void RemoveNetwork() {
    for (size_t h = 0; h < taps_.size(); ++h) {
      const std::string path = "/run/netns/" + netns_prefix_ + std::to_string(h);
      ::umount2(path.c_str(), MNT_DETACH);
      ::unlink(path.c_str());
    }
    std::error_code ec;
    std::filesystem::remove_all(state_, ec);
  }

 private:
  void ReadHost(size_t from) {
    char buf[kMaxFrame];
    for (int k = 0; k < 256; ++k) {
      const ssize_t n = ::read(taps_[from], buf, sizeof buf);
      if (n < 0) {
        if (errno != EAGAIN && errno != EINTR) std::cerr << "netns_switch: " << Errno("read tap") << "\n";
        return;
      }
      if (n < 14) continue;
      ++counters_[from].frames_in;
      Switched(from, std::string(buf, static_cast<size_t>(n)));
    }
  }

  void Switched(size_t from, std::string frame) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(frame.data());
    Mac dst, src;
    std::copy(bytes, bytes + 6, dst.begin());
    std::copy(bytes + 6, bytes + 12, src.begin());
    if (!(src[0] & 1)) macs_[from] = src;
    std::vector<size_t> to;
    if (!(dst[0] & 1)) {
      for (size_t h = 0; h < macs_.size(); ++h) {
        if (h != from && macs_[h] == dst) to.push_back(h);
      }
    }
    if (to.empty()) {  // broadcast, multicast, or not learnt yet: every other host
      for (size_t h = 0; h < taps_.size(); ++h) {
        if (h != from) to.push_back(h);
      }
    }
    const Nanos now = Now();
    for (size_t h : to) {
      auto due = model_.Route(from, h, now);
      if (!due || queue_.size() >= kMaxQueuedFrames) {
        ++counters_[from].dropped;
        continue;
      }
      queue_.push_back(Pending{*due, next_seq_++, h, h == to.back() ? std::move(frame) : frame});
      std::push_heap(queue_.begin(), queue_.end(), Later);
    }
  }

  void Deliver(Nanos now) {
    while (!queue_.empty() && queue_.front().due <= now) {
      std::pop_heap(queue_.begin(), queue_.end(), Later);
      Pending p = std::move(queue_.back());
      queue_.pop_back();
      // A full TAP queue (the host is not reading) drops the frame, as a wire would.
      if (::write(taps_[p.to], p.frame.data(), p.frame.size()) == static_cast<ssize_t>(p.frame.size())) {
        ++counters_[p.to].frames_out;
      }
    }
  }

  void Control() {
    const int c = ::accept4(ctl_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) return;
    timeval tv{2, 0};
    ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string line;
    char buf[1024];
    while (line.find('\n') == std::string::npos && line.size() < 4096) {
      const ssize_t n = ::read(c, buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    if (auto nl = line.find('\n'); nl != std::string::npos) line.resize(nl);
    std::istringstream in(line);
    std::vector<std::string> words;
    for (std::string w; in >> w;) words.push_back(w);
    const std::string answer = Command(words) + "\n";
    std::cerr << "netns_switch: ctl '" << line << "': " << answer;
    (void)!::write(c, answer.data(), answer.size());
    ::close(c);
  }

  std::string Command(const std::vector<std::string>& words) {
    const size_t hosts = taps_.size();
    auto host = [&](size_t k) -> std::optional<size_t> {
      if (k >= words.size()) return std::nullopt;
      auto h = ParseIndex(words[k]);
      return h && *h < hosts ? h : std::nullopt;
    };
    const std::string cmd = words.empty() ? "" : words[0];
    if (cmd == "ping" && words.size() == 1) return "ok";
    if (cmd == "quit" && words.size() == 1) {
      quit_ = true;
      return "ok";
    }
    if (cmd == "show" && words.size() == 1) {
      std::string out = "ok\n" + model_.Describe();
      for (size_t h = 0; h < hosts; ++h) {
        out += "host " + std::to_string(h) + " frames: in " + std::to_string(counters_[h].frames_in) +
               ", out " + std::to_string(counters_[h].frames_out) + ", dropped " +
               std::to_string(counters_[h].dropped) + "\n";
      }
      out += "queued " + std::to_string(queue_.size());
      return out;
    }
    if (cmd == "netem" && words.size() >= 3) {
      const bool all = words[1] == "all";
      const auto h = host(1);
      if (!all && !h) return "error: netem: bad host '" + words[1] + "'";
      auto profile = ParseProfile(std::vector<std::string>(words.begin() + 2, words.end()));
      if (!profile.ok()) return "error: netem: " + profile.status().message();
      for (size_t k = 0; k < hosts; ++k) {
        if (all || k == *h) model_.SetProfile(k, *profile);
      }
      return "ok " + words[1] + ": " + profile->ToString();
    }
    if (cmd == "cut" && (words.size() == 2 || words.size() == 3)) {
      const auto from = host(1);
      const auto to = host(2);
      if (!from || (words.size() == 3 && (!to || *to == *from))) return "error: cut: bad host";
      if (words.size() == 2) {
        model_.Cut(*from);
      } else {
        model_.CutOneWay(*from, *to);
      }
      return "ok";
    }
    if (cmd == "heal" && words.size() <= 3) {
      const auto from = host(1);
      const auto to = host(2);
      if ((words.size() >= 2 && !from) || (words.size() == 3 && !to)) return "error: heal: bad host";
      if (words.size() == 1) {
        model_.Heal();
      } else if (words.size() == 2) {
        model_.Heal(*from);
      } else {
        model_.Heal(*from, *to);
      }
      return "ok";
    }
    return "error: unknown command (ping | netem <host|all> <words> | cut <host> [<to>] | "
           "heal [<host> [<to>]] | show | quit)";
  }

  LinkModel model_;
  std::vector<int> taps_;
  std::vector<Mac> macs_;
  std::vector<HostCounters> counters_;
  std::vector<Pending> queue_;  // a heap ordered by Later
  uint64_t next_seq_ = 0;
  int ctl_ = -1;
  int owner_ = -1;
  bool quit_ = false;
  std::string ctl_path_;
  std::string netns_prefix_;
  std::string state_;
};

int Usage() {
  std::cerr << "usage: netns_switch serve --hosts N --netns-prefix P --state DIR [--owner PID] [--seed S]\n"
               "       netns_switch ctl DIR WORDS...\n";
  return 2;
}

int Serve(const std::vector<std::string>& args) {
  std::map<std::string, std::string> flags;
  for (size_t k = 0; k + 1 < args.size(); k += 2) {
    if (args[k].rfind("--", 0) != 0) return Usage();
    flags[args[k].substr(2)] = args[k + 1];
  }
  if (args.size() % 2 != 0 || !flags.count("hosts") || !flags.count("netns-prefix") ||
      !flags.count("state")) {
    return Usage();
  }
  const auto hosts = ParseIndex(flags["hosts"]);
  const auto owner = flags.count("owner") ? ParseIndex(flags["owner"]) : std::optional<size_t>(0);
  const auto seed =
      flags.count("seed") ? ParseIndex(flags["seed"]) : std::optional<size_t>(std::random_device{}());
  if (!hosts || *hosts == 0 || *hosts > kMaxHosts || !owner || !seed) return Usage();

  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  Switch sw(*hosts, *seed);
  if (!sw.Init(flags["netns-prefix"], flags["state"], static_cast<int>(*owner))) return 1;
  std::cerr << "netns_switch: " << *hosts << " hosts, seed " << *seed << ", control "
            << CtlPath(flags["state"]) << "\n";
  if (sw.Run()) sw.RemoveNetwork();
  std::cerr << "netns_switch: stopped\n";
  return 0;
}

int Ctl(const std::vector<std::string>& args) {
  if (args.size() < 2) return Usage();
  const std::string path = CtlPath(args[0]);
  std::string line;
  for (size_t k = 1; k < args.size(); ++k) line += (k > 1 ? " " : "") + args[k];
  line += "\n";
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::cerr << "netns_switch ctl: " << Errno("connect " + path) << "\n";
    return 1;
  }
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    std::cerr << "netns_switch ctl: " << Errno("write") << "\n";
    return 1;
  }
  std::string answer;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) answer.append(buf, static_cast<size_t>(n));
  ::close(fd);
  std::cout << answer;
  return answer.rfind("ok", 0) == 0 ? 0 : 1;
}

}  // namespace
}  // namespace cc::netns

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return cc::netns::Usage();
  const std::string mode = args[0];
  args.erase(args.begin());
  if (mode == "serve") return cc::netns::Serve(args);
  if (mode == "ctl") return cc::netns::Ctl(args);
  return cc::netns::Usage();
}
