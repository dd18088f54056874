// Scenario 1 of issue 4: 10,000 transactions through a real 4+1 network; every node
// ends with the same chain, holding every transaction, and every stored chain
// passes `creditctl verify`.
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "tests/integration/network_fixture.h"

namespace cc::integration {
namespace {

// The value of an unlabelled metric in a /metrics text, or -1 if it is absent.
double MetricValue(const std::string& text, const std::string& name) {
  size_t at = 0;
  while ((at = text.find(name + " ", at)) != std::string::npos) {
    if (at == 0 || text[at - 1] == '\n') return std::stod(text.substr(at + name.size() + 1));
    at += name.size();
  }
  return -1;
}

TEST_F(CreditdNetwork, CommitsTenThousandTransactionsOnAllNodes) {
  constexpr size_t kTxs = 10000;
  constexpr size_t kBatch = 200;
  const size_t observer = net_->size() - 1;
  const std::vector<SignedTx> txs = factory_->Make(kTxs);
  std::vector<std::string> ids;
  for (const auto& tx : txs) ids.push_back(tx.id);

  // Batch k goes to node k mod 5: validators and (a fifth of it) the observer,
  // which forwards to the validators. Two submitting threads, as fast as the nodes
  // answer: a node refuses what it cannot commit within its max wait (429
  // mempool_full) and, as a real client does, the submitter sends those again
  // after a pause. Every other answer is final.
  const size_t batches = kTxs / kBatch;
  std::atomic<size_t> next{0};
  std::atomic<size_t> retried{0};
  std::mutex mu;
  std::map<std::string, size_t> codes;
  std::vector<std::string> transport_errors;
  auto submit = [&] {
    std::vector<std::unique_ptr<NodeApi>> apis;
    for (size_t i = 0; i < net_->size(); ++i) apis.push_back(net_->Api(i));
    for (size_t b = next++; b < batches; b = next++) {
      const size_t node = b % net_->size();
      std::vector<std::string> raws;
      for (size_t k = b * kBatch; k < (b + 1) * kBatch; ++k) raws.push_back(txs[k].raw);
      for (int attempt = 0; !raws.empty(); ++attempt) {
        if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto answer = apis[node]->SubmitBatch(raws);
        std::vector<std::string> refused;
        std::lock_guard<std::mutex> lock(mu);
        if (!answer.ok()) {
          transport_errors.push_back(answer.status().ToString());
          break;
        }
        for (size_t i = 0; i < raws.size(); ++i) {
          if (answer->codes[i] == "mempool_full" && attempt < 600) {
            refused.push_back(raws[i]);
          } else {
            ++codes[answer->codes[i]];
          }
        }
        retried += refused.size();
        raws = std::move(refused);
      }
    }
  };
  std::thread second(submit);
  submit();
  second.join();
  ASSERT_TRUE(transport_errors.empty()) << transport_errors.front();
  EXPECT_EQ(codes["ok"], kTxs) << "refused: " << [&] {
    std::string s;
    for (const auto& [c, n] : codes) s += c + "=" + std::to_string(n) + " ";
    return s;
  }();

  // Every node: the same block hash at every height, every transaction present
  // exactly once.
  auto scans = CheckConsistent(AllNodes(*net_), ids);
  ASSERT_TRUE(scans.ok()) << scans.status().ToString();
  const uint64_t height = scans->front().hashes.size();
  for (const auto& scan : *scans) {
    EXPECT_EQ(scan.tx_height.size(), kTxs) << scan.node << " holds transactions nobody submitted";
    EXPECT_EQ(scan.tx_entries, kTxs) << scan.node << " has a transaction in more than one block";
  }
  std::cout << "[integration] " << kTxs << " transactions in " << height << " blocks on " << scans->size()
            << " nodes (" << retried << " submissions refused as over the backlog and sent again)\n";

  // The transaction API agrees: every id is committed with an "ok" receipt at the
  // height its block has (ids spread over all nodes), and a sample of 200 ids on
  // every node.
  const auto& where = scans->front().tx_height;
  std::vector<std::string> failures;
  auto lookup = [&](size_t node, size_t first, size_t step, size_t count) {
    auto api = net_->Api(node);
    for (size_t k = first, n = 0; k < ids.size() && n < count; k += step, ++n) {
      auto t = api->Tx(ids[k]);
      std::string problem;
      if (!t.ok()) {
        problem = t.status().ToString();
      } else if (!t->committed || t->height != where.at(ids[k]) || t->receipt_code != "ok") {
        problem = "found=" + std::to_string(t->found) + " committed=" + std::to_string(t->committed) +
                  " height=" + std::to_string(t->height) + " receipt=" + t->receipt_code;
      }
      if (!problem.empty()) {
        std::lock_guard<std::mutex> lock(mu);
        failures.push_back(net_->node(node).name + " tx " + ids[k] + ": " + problem);
      }
    }
  };
  std::vector<std::thread> lookups;
  for (size_t node = 0; node < net_->size(); ++node) {
    lookups.emplace_back(lookup, node, node, net_->size(), kTxs);  // every id, on one node each
  }
  for (auto& t : lookups) t.join();
  lookups.clear();
  for (size_t node = 0; node < net_->size(); ++node) {
    lookups.emplace_back(lookup, node, (node * 7) % 50, 50, 200);  // 200 ids on every node
  }
  for (auto& t : lookups) t.join();
  ASSERT_TRUE(failures.empty()) << failures.size() << " lookups failed, first: " << failures.front();

  // The observer verified a certificate for every block it holds, refused none.
  auto status = net_->Api(observer)->Status();
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_GE(status->verified_certificates, status->height);
  EXPECT_EQ(status->height, height);
  EXPECT_EQ(status->rejected_blocks, 0u);

  // Signature attestations (node/attestations.h): a transaction a validator took
  // from its client is checked there and by the primary (or its successor), and
  // nowhere else; the observer takes f+1 attestations for the check. Without them
  // all five nodes checked every signature (5 per transaction); here the fifth of
  // the load sent through the observer, which cannot attest, is checked by four.
  double verifies = 0;
  for (size_t i = 0; i < net_->size(); ++i) {
    auto metrics = net_->Api(i)->Metrics();
    ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
    const double v = MetricValue(*metrics, "creditd_ed25519_verifies_total");
    ASSERT_GE(v, 0) << net_->node(i).name << " has no creditd_ed25519_verifies_total";
    verifies += v;
    EXPECT_EQ(MetricValue(*metrics, "creditd_attestations_refused_total"), 0) << net_->node(i).name;
    if (i == observer) {
      EXPECT_GT(MetricValue(*metrics, "creditd_signatures_vouched_total"), kTxs / 2.0)
          << "the observer should take most signatures on attestations";
    }
  }
  std::cout << "[integration] Ed25519 verifications per transaction, all nodes: " << verifies / kTxs << "\n";
  EXPECT_LT(verifies, 4.0 * kTxs);

  // A clean stop, then every stored chain passes `creditctl verify` with the
  // certificates checked against the genesis validators.
  for (size_t i = 0; i < net_->size(); ++i) CC_ASSERT_OK(net_->Terminate(i));
  std::string validators;
  for (const auto& k : net_->validator_keys()) validators += (validators.empty() ? "" : ",") + k;
  for (size_t i = 0; i < net_->size(); ++i) {
    CommandResult r =
        RunCommand(net_->creditctl(), {"verify", "--data-dir", net_->node(i).data_dir, "--validators",
                                       validators, "--chain-id", net_->chain_id()});
    EXPECT_TRUE(r.exit.exited && r.exit.code == 0) << net_->node(i).name << ": " << r.exit.ToString() << "\n"
                                                   << r.output;
    EXPECT_NE(r.output.find("chain sound: " + std::to_string(height) + " blocks"), std::string::npos)
        << r.output;
  }
}

}  // namespace
}  // namespace cc::integration
