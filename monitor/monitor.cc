#include "monitor/monitor.h"

#include "common/log.h"
#include "contracts/queries.h"

namespace cc::monitor {

Monitor::Monitor(Options options, const ledger::Ledger& ledger, const contracts::StateReader& state)
    : options_(std::move(options)), ledger_(ledger), state_(state) {}

Monitor::~Monitor() { Stop(); }

std::unique_ptr<Monitor> Monitor::Create(Options options, const ledger::Ledger& ledger,
                                         const contracts::StateReader& state,
                                         const std::optional<crypto::KeyPair>& signing_key) {
  std::unique_ptr<Monitor> m(new Monitor(std::move(options), ledger, state));
  auto watchlist = Watchlist::Open(m->options_.watchlist_path);
  if (!watchlist.ok()) {
    m->error_ = watchlist.status().ToString();
    Log(LogLevel::kError, "watchlist unavailable",
        {{"path", m->options_.watchlist_path}, {"reason", m->error_}});
    return m;
  }
  m->watchlist_ = std::move(watchlist).value();
  if (m->options_.webhook_url.empty()) return m;
  if (!signing_key) {
    Log(LogLevel::kError, "alert webhook disabled", {{"reason", "no key to sign webhook calls"}});
    return m;
  }
  WebhookOptions w = m->options_.webhook;
  w.url = m->options_.webhook_url;
  w.log = [](std::string_view line) {
    Log(LogLevel::kWarn, "alert webhook", {{"detail", std::string(line)}});
  };
  auto sender = WebhookSender::Create(std::move(w), *signing_key);
  if (sender.ok()) {
    m->webhook_ = std::move(sender).value();
  } else {
    Log(LogLevel::kError, "alert webhook disabled", {{"reason", sender.status().ToString()}});
  }
  return m;
}

std::vector<Alert> Monitor::Scan(uint64_t height) const {
  // Alerts concern watched subjects only: with none watched, no block can raise
  // one, and reading and parsing every block would be wasted.
  if (watchlist_->size() == 0) return {};
  auto block = ledger_.GetBlock(height);
  if (!block.ok()) {
    Log(LogLevel::kError, "alerts: cannot read block",
        {{"height", std::to_string(height)}, {"reason", block.status().ToString()}});
    return {};
  }
  return AlertsInBlock(
      block->block(), options_.member_id,
      [this](const std::string& tx_id) {
        auto r = contracts::ReadReceipt(state_, tx_id);
        return r && r->code == "ok";
      },
      [this](const std::string& subject) { return watchlist_->Contains(subject); });
}

void Monitor::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (hub_ || !watchlist_) return;
  hub_ = std::make_unique<AlertHub>([this](uint64_t height) { return Scan(height); }, ledger_.Height(),
                                    options_.alerts, std::move(webhook_));
}

void Monitor::Stop() {
  std::unique_ptr<AlertHub> hub;
  {
    std::lock_guard<std::mutex> lock(mu_);
    hub = std::move(hub_);
  }
  hub.reset();  // joins the hub's thread outside the lock
}

void Monitor::OnCommitted(uint64_t height) {
  std::lock_guard<std::mutex> lock(mu_);
  if (hub_) hub_->NoteCommitted(height);
}

}  // namespace cc::monitor
