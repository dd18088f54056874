#include "tests/integration/chain_check.h"

#include <optional>
#include <thread>

namespace cc::integration {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(100);

std::string Describe(const std::vector<std::string>& names, const std::vector<Result<NodeStatus>>& statuses) {
  std::string out;
  for (size_t k = 0; k < statuses.size(); ++k) {
    out += "  " + names[k] + ": ";
    if (!statuses[k].ok()) {
      out += statuses[k].status().ToString() + "\n";
      continue;
    }
    const NodeStatus& s = *statuses[k];
    out += "height " + std::to_string(s.height) + " tip " + s.tip_hash.substr(0, 16) + " view " +
           std::to_string(s.view) + (s.in_view_change ? " (in view change)" : "") + " mempool " +
           std::to_string(s.mempool_txs) + " peers " + std::to_string(s.peers_connected) + "/" +
           std::to_string(s.peers_total) + "\n";
  }
  return out;
}

struct Poller {
  Poller(const TestNetwork& net, const std::vector<size_t>& nodes) {
    for (size_t i : nodes) {
      names.push_back(net.node(i).name);
      apis.push_back(std::make_unique<NodeApi>(net.node(i).http_port, net.writer_token(),
                                               std::chrono::milliseconds(5000)));
    }
  }
  std::vector<Result<NodeStatus>> Poll() {
    std::vector<Result<NodeStatus>> out;
    for (auto& api : apis) out.push_back(api->Status());
    return out;
  }
  std::vector<std::string> names;
  std::vector<std::unique_ptr<NodeApi>> apis;
};

}  // namespace

std::vector<size_t> AllNodes(const TestNetwork& net) {
  std::vector<size_t> out;
  for (size_t i = 0; i < net.size(); ++i) out.push_back(i);
  return out;
}

std::vector<size_t> OtherValidators(const TestNetwork& net, size_t except) {
  std::vector<size_t> out;
  for (size_t i = 0; i < net.validators(); ++i) {
    if (i != except) out.push_back(i);
  }
  return out;
}

Result<std::vector<uint64_t>> Heights(const TestNetwork& net, const std::vector<size_t>& nodes) {
  std::vector<uint64_t> out;
  for (size_t i : nodes) {
    auto s = net.Api(i)->Status();
    if (!s.ok()) return s.status();
    out.push_back(s->height);
  }
  return out;
}

Status WaitForHeight(const TestNetwork& net, const std::vector<size_t>& nodes, uint64_t target,
                     std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Poller poller(net, nodes);
  for (;;) {
    auto statuses = poller.Poll();
    bool done = true;
    for (const auto& s : statuses) done = done && s.ok() && s->height >= target;
    if (done) return Status::Ok();
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Error("timeout", "not every node reached height " + std::to_string(target) +
                                          " before the deadline:\n" + Describe(poller.names, statuses));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

Result<Agreement> WaitForAgreement(const TestNetwork& net, const std::vector<size_t>& nodes,
                                   std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  Poller poller(net, nodes);
  std::optional<Agreement> previous;
  for (;;) {
    auto statuses = poller.Poll();
    std::optional<Agreement> now;
    bool agree = true;
    for (const auto& s : statuses) {
      if (!s.ok() || s->height == 0 || s->mempool_txs != 0) {
        agree = false;
        break;
      }
      if (!now) now = Agreement{s->height, s->tip_hash};
      agree = agree && s->height == now->height && s->tip_hash == now->tip_hash;
    }
    if (agree && previous && previous->height == now->height && previous->tip_hash == now->tip_hash)
      return *now;
    previous = agree ? now : std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Error("timeout",
                           "the nodes did not agree on one tip with empty mempools before the deadline:\n" +
                               Describe(poller.names, statuses));
    }
    std::this_thread::sleep_for(agree ? std::chrono::milliseconds(300) : kPollInterval);
  }
}

Result<std::vector<ChainScan>> ScanChains(const TestNetwork& net, const std::vector<size_t>& nodes,
                                          uint64_t height) {
  std::vector<ChainScan> scans(nodes.size());
  std::vector<Status> errors(nodes.size(), Status::Ok());
  std::vector<std::thread> threads;
  for (size_t k = 0; k < nodes.size(); ++k) {
    threads.emplace_back([&, k] {
      auto api = net.Api(nodes[k]);
      ChainScan& scan = scans[k];
      scan.node = net.node(nodes[k]).name;
      for (uint64_t h = 1; h <= height; ++h) {
        auto block = api->Block(h);
        if (!block.ok()) {
          errors[k] = Status::Error(block.status().code(), scan.node + ": block " + std::to_string(h) + ": " +
                                                               block.status().message());
          return;
        }
        scan.hashes.push_back(block->hash);
        for (const auto& id : block->tx_ids) {
          scan.tx_height.emplace(id, h);
          ++scan.tx_entries;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& e : errors) {
    if (!e.ok()) return e;
  }
  return scans;
}

std::string FirstDivergence(const std::vector<ChainScan>& scans) {
  if (scans.empty()) return "";
  const ChainScan& ref = scans.front();
  for (const auto& scan : scans) {
    if (scan.hashes.size() != ref.hashes.size()) {
      return scan.node + " has " + std::to_string(scan.hashes.size()) + " blocks, " + ref.node + " has " +
             std::to_string(ref.hashes.size());
    }
  }
  for (size_t h = 0; h < ref.hashes.size(); ++h) {
    for (const auto& scan : scans) {
      if (scan.hashes[h] != ref.hashes[h]) {
        return "height " + std::to_string(h + 1) + ": " + ref.node + " " + ref.hashes[h] + " vs " +
               scan.node + " " + scan.hashes[h];
      }
    }
  }
  return "";
}

std::vector<std::string> MissingTxs(const ChainScan& scan, const std::vector<std::string>& ids,
                                    size_t limit) {
  std::vector<std::string> missing;
  for (const auto& id : ids) {
    if (!scan.tx_height.count(id)) {
      missing.push_back(id);
      if (missing.size() >= limit) break;
    }
  }
  return missing;
}

}  // namespace cc::integration
