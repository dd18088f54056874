// creditd: the CreditChain node daemon.
//   creditd --config FILE
// Validator or observer, chosen by the config file. SIGINT/SIGTERM stop it cleanly.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "node/config.h"
#include "node/node.h"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

int Usage() {
  std::fprintf(stderr, "usage: creditd --config FILE\n");
  return 2;
}
}  // namespace

int main(int argc, char** argv) {
  std::string config_path;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
      config_path = argv[++i];
    } else if (std::strcmp(argv[i], "--help") == 0 || std::strcmp(argv[i], "-h") == 0) {
      Usage();
      return 0;
    } else {
      return Usage();
    }
  }
  if (config_path.empty()) return Usage();
  try {
    auto config = cc::node::LoadNodeConfig(config_path);
    if (!config.ok()) {
      std::fprintf(stderr, "creditd: %s\n", config.status().ToString().c_str());
      return 1;
    }
    auto node = cc::node::Node::Create(std::move(config).value());
    if (!node.ok()) {
      std::fprintf(stderr, "creditd: %s\n", node.status().ToString().c_str());
      return 1;
    }
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGINT, OnSignal);
    std::signal(SIGTERM, OnSignal);
    cc::Status st = (*node)->Start();
    if (!st.ok()) {
      std::fprintf(stderr, "creditd: %s\n", st.ToString().c_str());
      (*node)->Stop();
      return 1;
    }
    while (!g_stop) {
      struct timespec ts {
        0, 100 * 1000 * 1000
      };
      nanosleep(&ts, nullptr);
    }
    (*node)->Stop();
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "creditd: fatal: %s\n", e.what());
    return 1;
  }
}
