#include "tests/api/api_fixture.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "contracts/records.h"
#include "crypto/keys.h"
#include "tests/support/subprocess.h"
#include "wire/credit_json.h"

namespace cc::node::testing {

namespace fs = std::filesystem;

std::string* CreditApiTest::root_dir_ = nullptr;
std::string* CreditApiTest::net_dir_ = nullptr;
nlohmann::json* CreditApiTest::tokens_ = nullptr;
std::string* CreditApiTest::secret_ = nullptr;
FakeClock* CreditApiTest::clock_ = nullptr;

void CreditApiTest::SetUpTestSuite() {
  char tmpl[] = "/tmp/cc-credit-api-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  root_dir_ = new std::string(tmpl);
  net_dir_ = new std::string(*root_dir_ + "/net");
  const cc::testing::ProcessResult init = cc::testing::RunProcess(
      std::string(CC_BINARY_DIR) + "/cli/creditctl",
      {"network", "init", "--validators", "4", "--out", *net_dir_, "--base-port", "41000"});
  ASSERT_EQ(init.exit_code, 0) << "creditctl network init failed:\n" << init.out << init.err;
  std::ifstream in(*net_dir_ + "/tokens.json");
  std::stringstream ss;
  ss << in.rdbuf();
  tokens_ = new nlohmann::json(nlohmann::json::parse(ss.str()));
  auto secret = crypto::LoadSecretFile(*net_dir_ + "/secrets/alliance.secret");
  ASSERT_TRUE(secret.ok()) << secret.status().ToString();
  secret_ = new std::string(*secret);
  std::ifstream genesis_in(*net_dir_ + "/genesis.json");
  std::stringstream genesis_text;
  genesis_text << genesis_in.rdbuf();
  const auto genesis = nlohmann::json::parse(genesis_text.str());
  clock_ = new FakeClock(genesis["genesis_time_ms"].get<uint64_t>() + 12 * 3600 * 1000);
}

void CreditApiTest::TearDownTestSuite() {
  if (root_dir_) {
    std::error_code ec;
    fs::remove_all(*root_dir_, ec);
  }
  delete root_dir_;
  delete net_dir_;
  delete tokens_;
  delete secret_;
  delete clock_;
  clock_ = nullptr;
  root_dir_ = net_dir_ = secret_ = nullptr;
  tokens_ = nullptr;
}

void CreditApiTest::SetUp() {
  ASSERT_NE(root_dir_, nullptr);
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  test_dir_ = *root_dir_ + "/" + info->test_suite_name() + "." + info->name();
  fs::create_directories(test_dir_);
}

void CreditApiTest::TearDown() { node_.reset(); }

NodeConfig CreditApiTest::Config(const std::string& data_name,
                                 const std::function<void(NodeConfig&)>& tweak) const {
  auto config = LoadNodeConfig(*net_dir_ + "/node-validator-0.json");
  EXPECT_TRUE(config.ok()) << config.status().ToString();
  NodeConfig c = *config;
  c.data_dir = test_dir_ + "/" + data_name;
  c.http_listen = Endpoint{"127.0.0.1", 0};
  c.p2p_listen = Endpoint{"127.0.0.1", 0};
  c.peers.clear();
  c.log_level = "error";
  if (tweak) tweak(c);
  return c;
}

std::unique_ptr<Node> CreditApiTest::StartNode(const NodeConfig& config) const {
  auto node = Node::Create(config, *clock_);
  EXPECT_TRUE(node.ok()) << node.status().ToString();
  if (!node.ok()) return nullptr;
  Status st = (*node)->Start();
  EXPECT_TRUE(st.ok()) << st.ToString();
  return std::move(node).value();
}

void CreditApiTest::StartDefaultNode() {
  node_ = StartNode(Config("data"));
  ASSERT_NE(node_, nullptr);
}

ClientResponse CreditApiTest::CallOn(uint16_t port, const std::string& method, const std::string& target,
                                     const std::string& token, const std::string& body,
                                     const std::string& content_type) const {
  auto client = http::testing::TestClient::Connect(port);
  EXPECT_NE(client, nullptr);
  if (!client) return {};
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  if (!body.empty()) headers.emplace_back("Content-Type", content_type);
  auto r = client->Request(method, target, headers, body);
  EXPECT_TRUE(r.has_value()) << method << " " << target << ": no answer";
  return r.value_or(ClientResponse{});
}

ClientResponse CreditApiTest::Call(const std::string& method, const std::string& target,
                                   const std::string& token, const std::string& body,
                                   const std::string& content_type) const {
  return CallOn(node_->http_port(), method, target, token, body, content_type);
}

void CreditApiTest::ExpectRefused(const ClientResponse& r, int status, const std::string& code,
                                  size_t mempool_before) const {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.ErrorCode(), code) << r.body;
  EXPECT_EQ(node_->mempool().size(), mempool_before) << "a refused request recorded something";
  EXPECT_EQ(Call("GET", "/healthz", "").status, 200) << "the node stopped answering";
}

nlohmann::json EventRequest(const std::string& subject_hex, const std::string& event_type) {
  return nlohmann::json{
      {"subject_key", subject_hex},
      {"event_type", event_type},
      {"loan_ref", "loan-1"},
      {"amount_minor", 120000},
      {"currency", "CNY"},
      {"event_date", wire::FormatDate(CreditApiTest::clock().WallMs() / contracts::kMsPerDay - 23)},
      {"record_hash", std::string(64, 'a')}};
}

}  // namespace cc::node::testing
