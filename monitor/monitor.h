// Monitor: the node's post-loan monitoring service (DESIGN.md "Watchlists and
// alerts"): the member's private watchlist, the alert hub that scans committed
// blocks for negative events on watched subjects, and the optional signed webhook.
//
// The node owns one Monitor (std::unique_ptr) and drives its life explicitly:
//   Create   opens the watchlist (data_dir/local/watchlist) and builds the webhook
//            sender. A watchlist that cannot be opened is not fatal: the node still
//            serves the ledger, and the watchlist endpoints answer 503 naming error().
//   Start    starts the alert hub's thread at the ledger's current height.
//   Stop     stops the hub (closing every alert stream) and the webhook; idempotent.
// The node starts the Monitor before its HTTP server and stops it after, so
// handlers may use watchlist() and alerts() without locking.
//
// Thread safety: OnCommitted may be called from the committing thread at any time
// (before Start and after Stop it does nothing). watchlist() and alerts() are
// thread-safe objects; the pointers are stable between Start and Stop.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "contracts/state_reader.h"
#include "crypto/keys.h"
#include "ledger/ledger.h"
#include "monitor/alerts.h"
#include "monitor/watchlist.h"
#include "monitor/webhook.h"

namespace cc::monitor {

class Monitor {
 public:
  struct Options {
    std::string watchlist_path;  // a directory; created if missing
    std::string member_id;       // whose own reports raise no alert
    std::string webhook_url;     // empty: no webhook
    WebhookOptions webhook;      // retry tuning (its url is ignored)
    AlertHub::Options alerts;
  };

  // Borrows `ledger` and `state`, which outlive the Monitor. `signing_key` signs
  // webhook calls; without it a webhook URL is refused (logged, webhook off).
  static std::unique_ptr<Monitor> Create(Options options, const ledger::Ledger& ledger,
                                         const contracts::StateReader& state,
                                         const std::optional<crypto::KeyPair>& signing_key);
  ~Monitor();
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  void Start();
  void Stop();
  // Blocks up to `height` are durably on the ledger. Never blocks.
  void OnCommitted(uint64_t height);

  // Null when the watchlist could not be opened (see error()).
  Watchlist* watchlist() const { return watchlist_.get(); }
  // Null before Start, after Stop, and without a watchlist.
  AlertHub* alerts() const { return hub_.get(); }
  // Why the watchlist is unavailable ("" when it is open).
  const std::string& error() const { return error_; }

 private:
  Monitor(Options options, const ledger::Ledger& ledger, const contracts::StateReader& state);
  std::vector<Alert> Scan(uint64_t height) const;

  const Options options_;
  const ledger::Ledger& ledger_;
  const contracts::StateReader& state_;
  std::unique_ptr<Watchlist> watchlist_;
  std::unique_ptr<WebhookSender> webhook_;  // moved into the hub at Start
  std::string error_;
  std::mutex mu_;  // serializes Start, Stop and OnCommitted against each other
  std::unique_ptr<AlertHub> hub_;
};

}  // namespace cc::monitor
