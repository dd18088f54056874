// Fixture of the credit API handler tests: a real creditd Node (validator-0 of a
// network written by the real `creditctl network init`) serving its HTTP API on an
// ephemeral port, with no peers. One validator of four cannot commit, so these
// tests see admission (the mempool) but no blocks: what a request records is what
// it put in the mempool. Write+commit paths are covered by
// tests/integration/credit_e2e_test.cc.
//
// The network is generated once per test binary; each test gets its own data
// directory (so ledgers and watchlists never leak between tests).
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "node/config.h"
#include "node/node.h"
#include "tests/http/test_client.h"

namespace cc::node::testing {

using http::testing::ClientResponse;

class CreditApiTest : public ::testing::Test {
 public:
  // The nodes' clock: fixed at noon of the genesis day that `creditctl network
  // init` wrote (the day it ran), so every test sees the same "today" relative
  // to its genesis, whatever the date.
  static FakeClock& clock() { return *clock_; }

 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;
  void TearDown() override;

  // validator-0's config with data_dir = <test dir>/<data_name>, HTTP on an
  // ephemeral port, no P2P listener and no peers; `tweak` may change it further.
  NodeConfig Config(const std::string& data_name, const std::function<void(NodeConfig&)>& tweak = {}) const;
  // Creates and starts a node (the test fails if it cannot).
  std::unique_ptr<Node> StartNode(const NodeConfig& config) const;
  // Starts node_ from Config("data").
  void StartDefaultNode();

  // One request on a fresh connection to node_ (or `port`). `token` "" sends no
  // Authorization header; a non-empty body is sent as application/json unless
  // `content_type` says otherwise.
  ClientResponse Call(const std::string& method, const std::string& target, const std::string& token,
                      const std::string& body = "",
                      const std::string& content_type = "application/json") const;
  ClientResponse CallOn(uint16_t port, const std::string& method, const std::string& target,
                        const std::string& token, const std::string& body = "",
                        const std::string& content_type = "application/json") const;

  // Expects a 4xx JSON error with `code`, and that the node recorded nothing (the
  // mempool holds `mempool_before` transactions) and still answers /healthz.
  void ExpectRefused(const ClientResponse& r, int status, const std::string& code,
                     size_t mempool_before) const;

  static const std::string& net_dir() { return *net_dir_; }
  static std::string token(const std::string& role) { return (*tokens_)[role].get<std::string>(); }
  static const std::string& alliance_secret() { return *secret_; }
  const std::string& test_dir() const { return test_dir_; }

  std::unique_ptr<Node> node_;

 private:
  static FakeClock* clock_;
  static std::string* root_dir_;
  static std::string* net_dir_;
  static nlohmann::json* tokens_;
  static std::string* secret_;
  std::string test_dir_;
};

// A valid RecordCreditEvent request body for `subject_hex`, dated 23 days before
// the fixture clock's today.
nlohmann::json EventRequest(const std::string& subject_hex, const std::string& event_type = "loan_opened");

}  // namespace cc::node::testing
