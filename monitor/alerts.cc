#include "monitor/alerts.h"

#include <algorithm>

#include "common/hex.h"
#include "contracts/retention.h"
#include "proto/canonical.h"
#include "wire/credit_json.h"

namespace cc::monitor {

using nlohmann::json;

json Alert::ToJson() const {
  return json{{"alert_id", id},
              {"kind", kind},
              {"subject_key", ToHex(subject_key)},
              {kind == "blacklist" ? "reason" : "event_type", detail},
              {"reporter", reporter},
              {"tx_id", ToHex(tx_id)},
              {"height", height},
              {"index", index},
              {"block_time_ms", block_time_ms}};
}

std::vector<Alert> AlertsInBlock(const pb::Block& block, const std::string& own_member,
                                 const std::function<bool(const std::string&)>& receipt_ok,
                                 const std::function<bool(const std::string&)>& watched) {
  std::vector<Alert> out;
  const pb::BlockHeader& header = block.header();
  for (int i = 0; i < block.txs_size(); ++i) {
    pb::SignedTx tx;
    if (!tx.ParseFromString(block.txs(i))) continue;
    const pb::TxBody& body = tx.body();
    if (body.sender() == own_member) continue;
    Alert a;
    if (body.has_record_event() && contracts::IsNegativeEvent(body.record_event().event_type())) {
      a.kind = "negative_event";
      a.subject_key = body.record_event().subject_key();
      a.detail = std::string(wire::EventTypeName(body.record_event().event_type()));
    } else if (body.has_add_blacklist()) {
      a.kind = "blacklist";
      a.subject_key = body.add_blacklist().subject_key();
      a.detail = std::string(wire::BlacklistReasonName(body.add_blacklist().reason()));
    } else {
      continue;
    }
    if (a.subject_key.size() != 32 || !watched(a.subject_key)) continue;
    a.tx_id = proto::TxId(block.txs(i));
    if (!receipt_ok(a.tx_id)) continue;
    a.reporter = body.sender();
    a.height = header.height();
    a.index = static_cast<uint32_t>(i);
    a.id = a.height * kAlertIdsPerBlock + a.index;
    a.block_time_ms = header.timestamp_ms();
    out.push_back(std::move(a));
  }
  return out;
}

AlertHub::AlertHub(BlockScanner scanner, uint64_t start_height, Options options,
                   std::unique_ptr<WebhookSender> webhook)
    : scanner_(std::move(scanner)),
      options_(options),
      webhook_(std::move(webhook)),
      committed_(start_height),
      scanned_(start_height),
      // From genesis on, every block is scanned here: no alert can be unknown.
      known_from_(start_height == 0 ? 0 : (start_height + 1) * kAlertIdsPerBlock) {
  thread_ = std::thread([this] { Run(); });
}

AlertHub::~AlertHub() {
  {
    std::lock_guard<std::mutex> lock(wake_mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::vector<std::shared_ptr<http::SseStream>> streams;
  {
    std::lock_guard<std::mutex> lock(streams_->mu);
    streams.swap(streams_->streams);
  }
  for (auto& s : streams) s->Close();
  webhook_.reset();
}

void AlertHub::NoteCommitted(uint64_t height) {
  uint64_t seen = committed_.load();
  while (height > seen && !committed_.compare_exchange_weak(seen, height)) {
  }
  // Taking wake_mu_ (held only around the wait's predicate check, never while
  // scanning) orders this store before the scanner's next check, so the wake-up
  // cannot fall between its check and its wait.
  { std::lock_guard<std::mutex> lock(wake_mu_); }
  wake_.notify_one();
}

void AlertHub::Run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(wake_mu_);
      wake_.wait(lock, [this] { return stop_ || committed_.load() > scanned_.load(); });
      if (stop_) return;
    }
    // One block at a time, so a stop is honoured between blocks.
    const uint64_t height = scanned_.load() + 1;
    for (const Alert& a : scanner_(height)) Publish(a);
    scanned_.store(height);
  }
}

bool AlertHub::PushTo(http::SseStream& stream, const Alert& alert) {
  return stream.Push("alert", alert.ToJson().dump(), std::to_string(alert.id));
}

void AlertHub::Publish(const Alert& alert) {
  std::lock_guard<std::mutex> lock(mu_);
  if (alert.id <= last_id_) return;
  last_id_ = alert.id;
  raised_++;
  ring_.push_back(alert);
  while (ring_.size() > options_.ring_size) {
    known_from_ = ring_.front().id + 1;
    ring_.pop_front();
  }
  std::vector<std::shared_ptr<http::SseStream>> streams;
  {
    std::lock_guard<std::mutex> slock(streams_->mu);
    streams = streams_->streams;
  }
  // A push that fails closes the stream; its on-close callback removes it.
  for (auto& s : streams) (void)PushTo(*s, alert);
  if (webhook_) (void)webhook_->Enqueue(alert.ToJson().dump());
}

void AlertHub::StreamSet::Remove(const http::SseStream* stream) {
  std::lock_guard<std::mutex> lock(mu);
  streams.erase(
      std::remove_if(streams.begin(), streams.end(), [&](const auto& s) { return s.get() == stream; }),
      streams.end());
}

Status AlertHub::Subscribe(const std::shared_ptr<http::SseStream>& stream,
                           std::optional<uint64_t> last_event_id) {
  std::lock_guard<std::mutex> lock(mu_);
  {
    std::lock_guard<std::mutex> slock(streams_->mu);
    if (streams_->streams.size() >= options_.max_streams) {
      return Status::Error("too_many_streams",
                           "at most " + std::to_string(options_.max_streams) + " alert streams may be open");
    }
  }
  if (last_event_id) {
    if (*last_event_id + 1 < known_from_) {
      // Alerts between the client's last one and the oldest this node still holds
      // may exist: say so, so the client re-checks its subjects.
      json gap{{"after_id", *last_event_id}, {"resumes_at_id", known_from_}};
      (void)stream->Push("gap", gap.dump(), "");
    }
    for (const Alert& a : ring_) {
      if (a.id > *last_event_id) (void)PushTo(*stream, a);
    }
  }
  if (stream->closed()) return Status::Ok();  // overflowed during the replay: the client resumes again
  {
    std::lock_guard<std::mutex> slock(streams_->mu);
    streams_->streams.push_back(stream);
  }
  std::weak_ptr<StreamSet> set = streams_;
  const http::SseStream* raw = stream.get();
  stream->SetOnClose([set, raw] {
    if (auto s = set.lock()) s->Remove(raw);
  });
  return Status::Ok();
}

std::vector<Alert> AlertHub::Recent(uint64_t after_id, size_t limit) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Alert> out;
  for (const Alert& a : ring_) {
    if (out.size() >= limit) break;
    if (a.id > after_id) out.push_back(a);
  }
  return out;
}

size_t AlertHub::open_streams() const {
  std::lock_guard<std::mutex> lock(streams_->mu);
  return streams_->streams.size();
}

}  // namespace cc::monitor
