// The fixture of the netns tests: CreditdNetwork's checks (Primary, CheckConsistent,
// the deadlines, the log tails on failure), with each node in its own network
// namespace behind the switch of scripts/netns.sh instead of on 127.0.0.1.
//
// SetUp only checks that this machine can make namespaces and skips the test, saying
// what is missing, if it cannot. Each test then calls StartHosts with its shape
// (validators, link impairment, view-change timeout). TearDown kills the nodes, then
// removes the namespaces; on failure it also prints the switch's state and log.
//
// CC_NETNS_LONG=1 asks the tests for their longer variant (more rates, longer runs,
// more flaps); the default keeps the whole suite within a few minutes.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>
#include <string>

#include "tests/integration/network_fixture.h"
#include "tests/integration/view_check.h"
#include "tests/netns/host_network.h"

namespace cc::netns {

using integration::AllNodes;
using integration::ChainScan;
using integration::DescribeViews;
using integration::Heights;
using integration::LoadGenerator;
using integration::LoadOptions;
using integration::NetworkOptions;
using integration::OtherValidators;
using integration::TestNetwork;
using integration::TxFactory;
using integration::WaitForAgreement;
using integration::WaitForHeight;
using integration::WaitForOneView;
using integration::WaitForVotes;

struct HostsShape {
  size_t validators = 4;
  size_t observers = 1;
  // netem words applied to every host before the nodes start ("" = none).
  std::string netem = "delay 25ms 5ms";
  uint32_t view_change_timeout_ticks = 100;  // of 10 ms
};

inline bool LongRun() {
  const char* v = std::getenv("CC_NETNS_LONG");
  return v && std::string(v) == "1";
}

class NetnsNetwork : public integration::CreditdNetwork {
 protected:
  void SetUp() override {
    start_ = std::chrono::steady_clock::now();
    const std::string& why = HostNetwork::Unavailable();
    if (!why.empty()) {
      GTEST_SKIP()
          << "netns tests skipped: this machine cannot make the test network (scripts/netns.sh check): "
          << why;
    }
  }

  void TearDown() override {
    if (hosts_ && HasFailure()) std::cout << hosts_->Describe() << std::flush;
    CreditdNetwork::TearDown();  // kills the nodes first
    hosts_.reset();
  }

  // Makes the hosts, one per node, and starts the nodes on them: ready, and their
  // links impaired by `shape.netem`. Use with ASSERT_NO_FATAL_FAILURE.
  void StartHosts(const HostsShape& shape) {
    auto hosts = HostNetwork::Create(shape.validators + shape.observers);
    ASSERT_TRUE(hosts.ok()) << hosts.status().ToString();
    hosts_ = std::move(hosts).value();
    NetworkOptions options;
    options.validators = shape.validators;
    options.observers = shape.observers;
    options.view_change_timeout_ticks = shape.view_change_timeout_ticks;
    options.launch_prefix = [h = hosts_.get()](size_t node) { return h->LaunchPrefix(node); };
    auto net = TestNetwork::Create(options);
    ASSERT_TRUE(net.ok()) << net.status().ToString();
    net_ = std::move(net).value();
    factory_ = std::make_unique<TxFactory>(net_->chain_id(), net_->members());
    CC_ASSERT_OK(hosts_->PlaceNodes(*net_));
    if (!shape.netem.empty()) CC_ASSERT_OK(hosts_->Netem("all", shape.netem));
    CC_ASSERT_OK(net_->StartAll());
    CC_ASSERT_OK(net_->WaitAllReady(kStartDeadline));
    std::cout << "[netns] " << shape.validators << " validators + " << shape.observers << " observer(s) on "
              << hosts_->prefix() << "-h0.." << hosts_->hosts() - 1
              << ", links: " << (shape.netem.empty() ? "no impairment" : shape.netem)
              << ", view-change timeout " << shape.view_change_timeout_ticks * 10 << " ms\n";
  }

  // Waits for one view with every validator voting; prints it.
  void ExpectOneView(const char* when) {
    auto view = WaitForOneView(*net_, kProgressDeadline);
    ASSERT_TRUE(view.ok()) << when << ": " << view.status().ToString();
    std::cout << "[netns] " << when << ": every validator in view " << view->view
              << (view->participation_reported ? ", all participating, all validators in view"
                                               : " (participating / validators_in_view not reported by this "
                                                 "build: judged by view and in_view_change)")
              << "\n"
              << view->summary;
  }

  // Heals every cut and checks the outcome. The nodes that were cut off catch up to
  // the others' height at the heal; every validator ends in one view and votes again
  // (ExpectOneView, ExpectVotes) while the load goes on; then the load stops and every
  // node holds one identical chain with every transaction admitted by a node outside
  // `not_owed`, and every id of `also_owed`. Prints the times from the heal (figures).
  void HealAndCheck(LoadGenerator& load, const std::set<size_t>& not_owed,
                    const std::set<std::string>& also_owed = {}) {
    auto heights = Heights(*net_, AllNodes(*net_));
    ASSERT_TRUE(heights.ok()) << heights.status().ToString();
    const uint64_t height_at_heal = *std::max_element(heights->begin(), heights->end());
    CC_ASSERT_OK(hosts_->Heal());
    const auto healed_at = std::chrono::steady_clock::now();
    auto since = [&] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                   healed_at)
          .count();
    };
    CC_ASSERT_OK(WaitForHeight(*net_, AllNodes(*net_), height_at_heal, kProgressDeadline));
    const auto caught_up_ms = since();
    ASSERT_NO_FATAL_FAILURE(ExpectOneView("after the heal"));
    const auto one_view_ms = since();
    ASSERT_NO_FATAL_FAILURE(ExpectVotes(height_at_heal, "after the heal"));
    std::cout << "[netns] healed at height " << height_at_heal << ": every node at that height after "
              << caught_up_ms << " ms, one view after " << one_view_ms << " ms, every validator voted after "
              << since() << " ms\n";
    load.Stop();

    std::set<std::string> owed = also_owed;
    for (const auto& a : load.admitted()) {
      if (!not_owed.count(a.node)) owed.insert(a.id);
    }
    ASSERT_GT(owed.size(), 0u);
    auto scans = CheckConsistent(AllNodes(*net_), std::vector<std::string>(owed.begin(), owed.end()));
    ASSERT_TRUE(scans.ok()) << scans.status().ToString();
    ASSERT_NO_FATAL_FAILURE(ExpectOneView("at the end"));
    const uint64_t tip = scans->front().hashes.size();
    PrintOwnSignatures(height_at_heal + 1, tip);
    std::cout << "[netns] " << owed.size() << " transactions owed, all on every node; " << tip
              << " blocks identical on all nodes; load refusals:";
    for (const auto& [code, count] : load.refusals()) std::cout << " " << code << " " << count;
    std::cout << "\n";
  }

  // Waits until every validator has voted for a block above `after` (its own
  // signature in its own chain's certificate, see WaitForVotes); prints where.
  void ExpectVotes(uint64_t after, const char* when) {
    auto voted = WaitForVotes(*net_, after, kProgressDeadline);
    ASSERT_TRUE(voted.ok()) << when << ": " << voted.status().ToString() << "\n" << DescribeViews(*net_);
    std::cout << "[netns] " << when << ": every validator voted again; first own-signed block above " << after
              << ":";
    for (size_t v = 0; v < voted->size(); ++v) std::cout << " validator-" << v << " " << (*voted)[v];
    std::cout << "\n";
  }

  // Prints, per validator, how many of blocks from..to of its own chain carry its own
  // signature (it voted for them, rather than fetching them by block sync).
  void PrintOwnSignatures(uint64_t from, uint64_t to) {
    if (to < from) return;
    std::cout << "[netns] blocks " << from << ".." << to << " signed by the validator holding them:";
    for (size_t v = 0; v < net_->validators(); ++v) {
      auto count = OwnSignatures(*net_, v, from, to);
      std::cout << " validator-" << v << " "
                << (count.ok() ? std::to_string(*count) : count.status().ToString());
    }
    std::cout << " (of " << to - from + 1 << ")\n";
  }

  std::unique_ptr<HostNetwork> hosts_;
};

}  // namespace cc::netns
