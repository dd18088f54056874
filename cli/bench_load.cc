#include "cli/bench_load.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/http_client.h"
#include "cli/tx_builder.h"
#include "common/hex.h"

namespace cc::cli {

namespace {

constexpr pb::EventType kEventMix[] = {pb::EVENT_LOAN_OPENED, pb::EVENT_REPAID,  pb::EVENT_LOAN_OPENED,
                                       pb::EVENT_OVERDUE_30,  pb::EVENT_REPAID,  pb::EVENT_OVERDUE_60,
                                       pb::EVENT_SETTLED,     pb::EVENT_DEFAULT, pb::EVENT_OVERDUE_90};

// Tallies one POST /v1/txs answer into `out`.
void Tally(const Result<HttpResponse>& resp, size_t batch_txs, SubmitResult& out) {
  out.submitted += batch_txs;
  if (!resp.ok()) {
    out.rejected["transport_" + resp.status().code()] += batch_txs;
    return;
  }
  const nlohmann::json j = nlohmann::json::parse(resp->body, nullptr, /*allow_exceptions=*/false);
  if (resp->status == 202 || resp->status == 207) {
    if (j.is_object() && j.contains("accepted") && j["accepted"].is_number_unsigned() &&
        j.contains("results") && j["results"].is_array()) {
      out.accepted += j["accepted"].get<uint64_t>();
      for (const auto& r : j["results"]) {
        if (!r.is_object() || !r.contains("code") || !r["code"].is_string()) continue;
        const std::string code = r["code"].get<std::string>();
        if (code != "ok") ++out.rejected[code];
      }
      return;
    }
    out.rejected["unparsable_answer"] += batch_txs;
    return;
  }
  std::string code = "http_" + std::to_string(resp->status);
  if (j.is_object() && j.contains("error") && j["error"].is_object() && j["error"].contains("code") &&
      j["error"]["code"].is_string()) {
    code = j["error"]["code"].get<std::string>() + " (http " + std::to_string(resp->status) + ")";
  }
  out.rejected[code] += batch_txs;
}

}  // namespace

std::vector<std::string> PresignBatches(const BenchNetwork& net, const PresignOptions& opts) {
  const size_t batch = std::max<size_t>(1, opts.batch_size);
  const size_t batches = (opts.tx_count + batch - 1) / batch;
  std::vector<std::string> bodies(batches);
  const uint64_t nonce_base = RandomNonce() >> 1;  // leaves room for + index without wrapping
  const uint32_t today = static_cast<uint32_t>(NowMs() / kMsPerDay);
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t b = next++; b < batches; b = next++) {
      std::string body = "{\"txs\":[";
      const size_t end = std::min(opts.tx_count, (b + 1) * batch);
      for (size_t i = b * batch; i < end; ++i) {
        const BenchMember& m = net.members[i % net.members.size()];
        const std::string rnd = crypto::RandomBytes(96);
        RecordEventFields f;
        f.subject_key = rnd.substr(0, 32);
        f.event_type = kEventMix[i % std::size(kEventMix)];
        f.loan_ref_hash = rnd.substr(32, 32);
        f.amount_minor = (i % 997 + 1) * 10'000;
        f.currency = "CNY";
        f.event_day = today;
        f.record_hash = rnd.substr(64, 32);
        const pb::TxBody tx =
            RecordEventBody(net.chain_id, m.id, nonce_base + i, opts.not_before_ms, opts.not_after_ms, f);
        if (i > b * batch) body += ',';
        body += '"';
        body += ToHex(SignTx(tx, m.key));
        body += '"';
      }
      body += "]}";
      bodies[b] = std::move(body);
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < std::max<size_t>(1, opts.threads); ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  return bodies;
}

SubmitResult SubmitBatches(const std::vector<BenchNode>& nodes, const std::string& token,
                           const std::vector<std::string>& batches, const std::vector<size_t>& batch_sizes,
                           const SubmitOptions& opts) {
  SubmitResult total;
  if (batches.empty() || nodes.empty()) return total;
  std::atomic<size_t> next{0};
  std::mutex mu;
  const auto start = BenchClock::now();
  const auto interval = std::chrono::duration<double>(static_cast<double>(opts.batch_size) / opts.rate);
  auto worker = [&] {
    std::vector<std::unique_ptr<HttpClient>> clients(nodes.size());
    SubmitResult mine;
    mine.last_answer = start;
    for (size_t k = next++; k < batches.size(); k = next++) {
      const auto due =
          start + std::chrono::duration_cast<BenchClock::duration>(interval * static_cast<double>(k));
      std::this_thread::sleep_until(due);
      const size_t n = k % nodes.size();
      if (!clients[n])
        clients[n] = std::make_unique<HttpClient>(nodes[n].host, nodes[n].http_port, opts.timeout);
      auto resp = clients[n]->PostJson("/v1/txs", token, batches[k]);
      Tally(resp, batch_sizes[k], mine);
      mine.last_answer = std::max(mine.last_answer, BenchClock::now());
    }
    std::lock_guard<std::mutex> lock(mu);
    total.submitted += mine.submitted;
    total.accepted += mine.accepted;
    for (const auto& [code, count] : mine.rejected) total.rejected[code] += count;
    total.last_answer = std::max(total.last_answer, mine.last_answer);
    for (const auto& c : clients) total.connections += c ? c->connections_opened() : 0;
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < std::max<size_t>(1, opts.threads); ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  total.first_send = start;
  return total;
}

}  // namespace cc::cli
