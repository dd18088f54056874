// Alerts for post-loan monitoring (DESIGN.md "Watchlists and alerts").
//
// When ANOTHER member records, in a committed block with receipt "ok", a negative
// credit event (overdue_30/60/90, default, written_off, fraud_confirmed) or a
// blacklist entry for a subject on this node's watchlist, the node raises an Alert.
//
// Alert ids are height * kAlertIdsPerBlock + index of the transaction in its block:
// strictly increasing in ledger order, and the same after a restart, so a client's
// Last-Event-ID stays meaningful. (A block holds far fewer transactions than
// kAlertIdsPerBlock: the batch byte limit allows well under a million.)
//
// AlertHub is the delivery side:
//   - NoteCommitted(height) is called by the node's commit listener on the committing
//     thread; it only records the height and wakes the hub's own thread, which scans
//     each new block (through the BlockScanner it was given) and publishes what it
//     finds, in ledger order;
//   - Server-Sent Events subscribers get every alert as it is published; a bounded
//     ring of recent alerts lets a reconnecting client resume after its
//     Last-Event-ID. If alerts after that id may have been lost (older than the ring,
//     or raised before this node started), the stream first sends a "gap" event;
//   - an optional webhook (credit_webhook.h) receives each alert's JSON.
//
// Thread safety: all public methods are thread-safe. The destructor stops the thread
// (finishing at most the block being scanned) and closes every stream.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "http/sse.h"
#include "monitor/webhook.h"
#include "proto/creditchain.pb.h"

namespace cc::monitor {

inline constexpr uint64_t kAlertIdsPerBlock = 1'000'000;

struct Alert {
  uint64_t id = 0;
  std::string kind;         // "negative_event" or "blacklist"
  std::string subject_key;  // 32 raw bytes
  std::string detail;       // the event type or the blacklist reason, by name
  std::string reporter;     // member id of the sender
  std::string tx_id;        // 32 raw bytes
  uint64_t height = 0;
  uint32_t index = 0;
  uint64_t block_time_ms = 0;  // the block header's timestamp

  nlohmann::json ToJson() const;
};

// The alerts raised by one committed block for `own_member` (whose own reports
// raise none). `receipt_ok(tx_id)` says whether the transaction was accepted;
// `watched(subject_key)` whether the subject is on the watchlist. Transactions that
// do not parse are skipped (the block was certified; execution rejected them).
std::vector<Alert> AlertsInBlock(const pb::Block& block, const std::string& own_member,
                                 const std::function<bool(const std::string&)>& receipt_ok,
                                 const std::function<bool(const std::string&)>& watched);

class AlertHub {
 public:
  // Returns the alerts of the block at `height` (called on the hub's thread).
  using BlockScanner = std::function<std::vector<Alert>(uint64_t height)>;

  struct Options {
    size_t ring_size = 4096;  // recent alerts kept for resume and GET /v1/alerts
    size_t max_streams = 64;  // open SSE subscribers
  };

  // Scans blocks above `start_height` as they are committed. `webhook` may be null.
  AlertHub(BlockScanner scanner, uint64_t start_height, Options options,
           std::unique_ptr<WebhookSender> webhook);
  ~AlertHub();
  AlertHub(const AlertHub&) = delete;
  AlertHub& operator=(const AlertHub&) = delete;

  // From the commit listener: blocks up to `height` are durably on the ledger.
  // Never blocks.
  void NoteCommitted(uint64_t height);

  // Adds an alert (ids must increase; an id not above the last one is ignored) and
  // delivers it. Used by the hub's thread, and by tests.
  void Publish(const Alert& alert);

  // Registers an SSE subscriber. With `last_event_id`, first replays the alerts
  // after it (preceded by a "gap" event when some may be missing). Code
  // "too_many_streams" when Options::max_streams are open.
  Status Subscribe(const std::shared_ptr<http::SseStream>& stream, std::optional<uint64_t> last_event_id);

  // Recent alerts with id > after_id, oldest first, at most `limit`.
  std::vector<Alert> Recent(uint64_t after_id, size_t limit) const;

  // Blocks scanned so far (the last height fully processed).
  uint64_t scanned_height() const { return scanned_.load(); }
  uint64_t alerts_raised() const { return raised_.load(); }
  size_t open_streams() const;
  const Options& options() const { return options_; }
  const WebhookSender* webhook() const { return webhook_.get(); }

 private:
  // The open streams. Shared with the streams' on-close callbacks (through a
  // weak_ptr), which may run on any thread, even while the hub is destroyed.
  struct StreamSet {
    std::mutex mu;
    std::vector<std::shared_ptr<http::SseStream>> streams;
    void Remove(const http::SseStream* stream);
  };

  void Run();
  static bool PushTo(http::SseStream& stream, const Alert& alert);

  const BlockScanner scanner_;
  const Options options_;
  std::unique_ptr<WebhookSender> webhook_;

  std::atomic<uint64_t> committed_;
  std::atomic<uint64_t> scanned_;
  std::atomic<uint64_t> raised_{0};

  // Wakes the scanning thread: a new committed height, or stop.
  std::mutex wake_mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by wake_mu_

  mutable std::mutex mu_;
  // Guarded by mu_ (lock order: mu_, then StreamSet::mu). Every alert with
  // id >= known_from_ is in ring_ or not raised yet.
  std::deque<Alert> ring_;
  uint64_t known_from_;
  uint64_t last_id_ = 0;
  const std::shared_ptr<StreamSet> streams_ = std::make_shared<StreamSet>();

  std::thread thread_;
};

}  // namespace cc::monitor
