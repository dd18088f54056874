// The fixture of the integration tests: a fresh network (4 validators + 1 observer,
// creditd processes on 127.0.0.1) per test, started and ready before the test body,
// SIGKILLed and deleted after it. On failure the tail of every node's log is printed
// so the CI output explains itself, and the network folder is kept.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/chain_check.h"
#include "tests/integration/load.h"
#include "tests/integration/test_network.h"
#include "tests/integration/tx_factory.h"

namespace cc::integration {

#define CC_ASSERT_OK(expr)                                               \
  do {                                                                   \
    const ::cc::Status cc_assert_status_ = (expr);                       \
    ASSERT_TRUE(cc_assert_status_.ok()) << cc_assert_status_.ToString(); \
  } while (0)

class CreditdNetwork : public ::testing::Test {
 protected:
  static constexpr auto kStartDeadline = std::chrono::seconds(60);
  static constexpr auto kProgressDeadline = std::chrono::seconds(90);

  void SetUp() override {
    start_ = std::chrono::steady_clock::now();
    auto net = TestNetwork::Create();
    ASSERT_TRUE(net.ok()) << net.status().ToString();
    net_ = std::move(net).value();
    factory_ = std::make_unique<TxFactory>(net_->chain_id(), net_->members());
    CC_ASSERT_OK(net_->StartAll());
    CC_ASSERT_OK(net_->WaitAllReady(kStartDeadline));
  }

  void TearDown() override {
    if (net_ && HasFailure()) {
      std::cout << "network folder (kept): " << net_->dir() << "\n" << net_->AllLogTails(60) << std::flush;
      net_->KeepFolder();
    }
    net_.reset();
    std::cout << "[integration] test took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                       start_)
                     .count()
              << " ms\n";
  }

  // The primary most running validators agree on, asked over the API.
  Result<size_t> Primary() const {
    std::vector<size_t> votes(net_->validators(), 0);
    for (size_t i = 0; i < net_->validators(); ++i) {
      if (!net_->running(i)) continue;
      auto s = net_->Api(i)->Status();
      if (s.ok() && s->primary && *s->primary < votes.size()) ++votes[*s->primary];
    }
    size_t best = 0;
    for (size_t i = 1; i < votes.size(); ++i) {
      if (votes[i] > votes[best]) best = i;
    }
    if (votes[best] == 0) return Status::Error("no_primary", "no validator reported a primary");
    return best;
  }

  // Waits until `nodes` agree on one tip with nothing pending, reads every block of
  // each, and checks that the block hashes are identical at every height and that
  // every id of `must_hold` is in every node's chain. Returns the scans.
  Result<std::vector<ChainScan>> CheckConsistent(const std::vector<size_t>& nodes,
                                                 const std::vector<std::string>& must_hold) const {
    auto agreed = WaitForAgreement(*net_, nodes, kProgressDeadline);
    if (!agreed.ok()) return agreed.status();
    auto scans = ScanChains(*net_, nodes, agreed->height);
    if (!scans.ok()) return scans.status();
    const std::string divergence = FirstDivergence(*scans);
    if (!divergence.empty()) return Status::Error("diverged", divergence);
    for (const auto& scan : *scans) {
      if (scan.hashes.back() != agreed->tip_hash) {
        return Status::Error("diverged", scan.node + ": block " + std::to_string(agreed->height) +
                                             " hash differs from the reported tip");
      }
      auto missing = MissingTxs(scan, must_hold);
      if (!missing.empty()) {
        std::string list;
        for (const auto& id : missing) list += " " + id;
        return Status::Error("missing_txs", scan.node + " lacks transactions it must hold, e.g.:" + list);
      }
    }
    return scans;
  }

  std::chrono::steady_clock::time_point start_;
  std::unique_ptr<TestNetwork> net_;
  std::unique_ptr<TxFactory> factory_;
};

}  // namespace cc::integration
