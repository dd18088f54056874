#include "tests/integration/load.h"

#include <memory>

namespace cc::integration {

LoadGenerator::LoadGenerator(const TestNetwork& net, TxFactory& factory, std::vector<size_t> targets,
                             LoadOptions options)
    : net_(net), factory_(factory), targets_(std::move(targets)), options_(options) {}

LoadGenerator::~LoadGenerator() { Stop(); }

void LoadGenerator::Start() {
  submitter_ = std::thread([this] { SubmitLoop(); });
  if (options_.probe) prober_ = std::thread([this] { ProbeLoop(); });
}

void LoadGenerator::Stop() {
  stop_ = true;
  if (submitter_.joinable()) submitter_.join();
  if (prober_.joinable()) prober_.join();
}

void LoadGenerator::SetDown(size_t node, bool down) {
  std::lock_guard<std::mutex> lock(mu_);
  if (down) {
    down_.insert(node);
  } else {
    down_.erase(node);
  }
}

bool LoadGenerator::NextTarget(size_t* cursor, size_t* node) {
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t k = 0; k < targets_.size(); ++k) {
    const size_t candidate = targets_[(*cursor)++ % targets_.size()];
    if (!down_.count(candidate)) {
      *node = candidate;
      return true;
    }
  }
  return false;
}

void LoadGenerator::SubmitLoop() {
  std::vector<std::unique_ptr<NodeApi>> apis(net_.size());
  size_t cursor = 0;
  while (!stop_) {
    size_t node = 0;
    if (NextTarget(&cursor, &node)) {
      if (!apis[node]) {
        apis[node] = std::make_unique<NodeApi>(net_.node(node).http_port, net_.writer_token(),
                                               std::chrono::milliseconds(10000));
      }
      const std::vector<SignedTx> txs = factory_.Make(options_.batch);
      std::vector<std::string> raws;
      for (const auto& tx : txs) raws.push_back(tx.raw);
      auto answer = apis[node]->SubmitBatch(raws);
      ++batches_;
      std::lock_guard<std::mutex> lock(mu_);
      if (!answer.ok()) {
        ++transport_errors_;
        for (const auto& tx : txs) unknown_fate_.push_back(tx.id);
      } else {
        for (size_t k = 0; k < txs.size(); ++k) {
          if (answer->codes[k] == "ok") {
            admitted_.push_back(Admitted{txs[k].id, node});
          } else {
            ++refusals_[answer->codes[k]];
          }
        }
      }
    }
    std::this_thread::sleep_for(options_.pause);
  }
}

void LoadGenerator::ProbeLoop() {
  std::vector<std::unique_ptr<NodeApi>> apis(net_.size());
  size_t cursor = 1;  // a different rotation from the submitter's
  while (!stop_) {
    size_t node = 0;
    if (!NextTarget(&cursor, &node)) {
      std::this_thread::sleep_for(options_.pause);
      continue;
    }
    if (!apis[node]) {
      apis[node] = std::make_unique<NodeApi>(net_.node(node).http_port, net_.writer_token(),
                                             std::chrono::milliseconds(options_.probe_timeout_ms + 10000));
    }
    const SignedTx tx = factory_.MakeOne();
    auto answer = apis[node]->SubmitAndWait(tx.raw, options_.probe_timeout_ms);
    std::lock_guard<std::mutex> lock(mu_);
    if (!answer.ok()) {
      ++transport_errors_;
      unknown_fate_.push_back(tx.id);
      continue;
    }
    if (answer->committed) {
      reported_committed_.insert(tx.id);
      admitted_.push_back(Admitted{tx.id, node});
    } else if (answer->http_status == 202) {
      admitted_.push_back(Admitted{tx.id, node});
    } else {
      ++refusals_["probe_" +
                  (answer->error_code.empty() ? std::to_string(answer->http_status) : answer->error_code)];
    }
  }
}

std::vector<LoadGenerator::Admitted> LoadGenerator::admitted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return admitted_;
}

std::set<std::string> LoadGenerator::reported_committed() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reported_committed_;
}

std::map<std::string, uint64_t> LoadGenerator::refusals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return refusals_;
}

std::vector<std::string> LoadGenerator::unknown_fate() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unknown_fate_;
}

}  // namespace cc::integration
