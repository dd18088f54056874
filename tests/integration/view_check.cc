#include "tests/integration/view_check.h"

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "cli/http_client.h"
#include "tests/integration/node_api.h"

namespace cc::integration {
namespace {

std::string Line(const std::string& name, const Result<NodeStatus>& s) {
  if (!s.ok()) return name + ": " + s.status().ToString();
  std::string line = name + ": view " + std::to_string(s->view) + (s->in_view_change ? " (changing)" : "") +
                     ", " + std::to_string(s->view_changes) + " view changes, height " +
                     std::to_string(s->height) + ", peers " + std::to_string(s->peers_connected) + "/" +
                     std::to_string(s->peers_total);
  if (s->participating) line += *s->participating ? ", participating" : ", NOT participating";
  if (s->validators_in_view)
    line += ", " + std::to_string(*s->validators_in_view) + " validators in its view";
  return line;
}

}  // namespace

std::string DescribeViews(const TestNetwork& net) {
  std::string out;
  for (size_t i = 0; i < net.validators(); ++i) out += Line(net.node(i).name, net.Api(i)->Status()) + "\n";
  return out;
}

Result<ViewState> WaitForOneView(const TestNetwork& net, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::unique_ptr<integration::NodeApi>> apis;
  for (size_t i = 0; i < net.validators(); ++i) apis.push_back(net.Api(i));
  for (;;) {
    ViewState state;
    std::set<uint64_t> views;
    bool voting = true;
    bool reported = true;
    for (size_t i = 0; i < apis.size(); ++i) {
      auto s = apis[i]->Status();
      state.summary += Line(net.node(i).name, s) + "\n";
      if (!s.ok()) {
        voting = false;
        continue;
      }
      views.insert(s->view);
      voting = voting && !s->in_view_change;
      reported = reported && s->participating.has_value() && s->validators_in_view.has_value();
      if (s->participating) voting = voting && *s->participating;
      if (s->validators_in_view) voting = voting && *s->validators_in_view == net.validators();
    }
    if (voting && views.size() == 1) {
      state.view = *views.begin();
      state.participation_reported = reported;
      return state;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Error(
          "views",
          "the validators did not settle in one view, all voting, within the deadline:\n" + state.summary);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

namespace {

// Whether block `height` of the node behind `client` carries validator `v`'s signature.
Result<bool> SignedBy(cli::HttpClient& client, const std::string& token, uint64_t height, size_t v) {
  const std::string target = "/v1/blocks/" + std::to_string(height);
  auto resp = client.Get(target, token);
  if (!resp.ok()) return resp.status();
  if (resp->status != 200) return Status::Error("http", target + ": HTTP " + std::to_string(resp->status));
  const auto j = nlohmann::json::parse(resp->body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("certificate") || !j["certificate"].is_object() ||
      !j["certificate"].contains("signatures") || !j["certificate"]["signatures"].is_array()) {
    return Status::Error("format", target + ": no certificate signatures");
  }
  for (const auto& sig : j["certificate"]["signatures"]) {
    if (sig.is_object() && sig.value("validator", uint64_t{UINT64_MAX}) == v) return true;
  }
  return false;
}

}  // namespace

Result<std::vector<uint64_t>> WaitForVotes(const TestNetwork& net, uint64_t after,
                                           std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const size_t n = net.validators();
  std::vector<uint64_t> voted(n, 0);
  std::vector<uint64_t> next(n, after + 1);  // the next height to read, per validator
  std::vector<std::unique_ptr<cli::HttpClient>> clients;
  std::vector<std::unique_ptr<integration::NodeApi>> apis;
  for (size_t v = 0; v < n; ++v) {
    clients.push_back(std::make_unique<cli::HttpClient>("127.0.0.1", net.node(v).http_port,
                                                        std::chrono::milliseconds(10000)));
    apis.push_back(net.Api(v));
  }
  for (;;) {
    bool all = true;
    for (size_t v = 0; v < n; ++v) {
      if (voted[v]) continue;
      auto s = apis[v]->Status();
      while (s.ok() && !voted[v] && next[v] <= s->height) {
        auto signed_by = SignedBy(*clients[v], net.writer_token(), next[v], v);
        if (!signed_by.ok()) {
          clients[v] = std::make_unique<cli::HttpClient>("127.0.0.1", net.node(v).http_port,
                                                         std::chrono::milliseconds(10000));
          break;
        }
        if (*signed_by) voted[v] = next[v];
        ++next[v];
      }
      all = all && voted[v];
    }
    if (all) return voted;
    if (std::chrono::steady_clock::now() >= deadline) {
      std::string who;
      for (size_t v = 0; v < n; ++v) {
        if (!voted[v]) {
          who += " " + net.node(v).name + " (blocks " + std::to_string(after + 1) + ".." +
                 std::to_string(next[v] - 1) + " of its chain carry no signature of its own)";
        }
      }
      return Status::Error("votes", "not every validator voted again within the deadline:" + who);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Result<uint64_t> OwnSignatures(const TestNetwork& net, size_t v, uint64_t from, uint64_t to) {
  cli::HttpClient client("127.0.0.1", net.node(v).http_port, std::chrono::milliseconds(10000));
  uint64_t count = 0;
  for (uint64_t h = from; h <= to; ++h) {
    auto signed_by = SignedBy(client, net.writer_token(), h, v);
    if (!signed_by.ok()) return signed_by.status();
    count += *signed_by ? 1 : 0;
  }
  return count;
}

}  // namespace cc::integration
