#include "node/consensus_driver.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "common/fatal.h"
#include "consensus/record_retention.h"
#include "proto/canonical.h"

namespace cc::node {

namespace {

void Append(std::vector<pb::ReplicaRecord>& to, std::vector<pb::ReplicaRecord>&& from) {
  for (auto& r : from) to.push_back(std::move(r));
}
}  // namespace

ConsensusDriver::ConsensusDriver(Options options, const Clock& clock, consensus::Signer& signer,
                                 consensus::Verifier& verifier, ledger::Ledger& ledger,
                                 BlockExecutor& executor, PeerSender& sender, Hooks hooks)
    : options_(std::move(options)),
      clock_(clock),
      signer_(signer),
      verifier_(verifier),
      ledger_(ledger),
      executor_(executor),
      sender_(sender),
      hooks_(std::move(hooks)) {}

ConsensusDriver::~ConsensusDriver() { Stop(); }

void ConsensusDriver::Start() {
  consensus::RestoreState restore;
  restore.last_executed = ledger_.Height();
  if (restore.last_executed > 0) {
    restore.last_state_digest = ledger_.TipHash();
    auto tip = ledger_.GetBlock(restore.last_executed);
    if (tip.ok()) restore.last_executed_timestamp_ms = tip->block().header().timestamp_ms();
  }
  // The request ids of the last 4L blocks, so the restarted replica flags the same
  // duplicates as its peers (replica.h).
  const uint64_t window = 4ull * options_.replica.watermark_window;
  const uint64_t first = restore.last_executed > window ? restore.last_executed - window + 1 : 1;
  for (uint64_t h = first; h <= restore.last_executed; ++h) {
    auto block = ledger_.GetBlock(h);
    if (!block.ok()) Fatal("reading block " + std::to_string(h) + " at start: " + block.status().ToString());
    std::vector<std::string> ids;
    ids.reserve(block->block().txs_size());
    for (const auto& tx : block->block().txs()) ids.push_back(proto::TxId(tx));
    restore.recent_request_ids.push_back(std::move(ids));
  }
  restore.records = ledger_.LoadRecords();
  log_ = restore.records;
  replica_ = std::make_unique<consensus::Replica>(options_.replica, signer_, verifier_, std::move(restore));
  primary_ = replica_->primary();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stats_ = replica_->stats();
  }
  exec_thread_ = std::thread([this] { RunExecutor(); });
  thread_ = std::thread([this] { Run(); });
}

void ConsensusDriver::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  {
    std::lock_guard<std::mutex> lock(exec_mu_);
    exec_stopping_ = true;
  }
  exec_cv_.notify_all();
  if (exec_thread_.joinable()) exec_thread_.join();
}

void ConsensusDriver::PostMessage(uint32_t from, pb::ConsensusMessage message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(consensus::MessageEvent{from, std::move(message)});
  }
  cv_.notify_one();
}

void ConsensusDriver::PostRequests(std::vector<std::pair<std::string, std::string>> requests) {
  if (requests.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& r : requests)
      queue_.push_back(consensus::RequestEvent{std::move(r.first), std::move(r.second)});
  }
  cv_.notify_one();
}

void ConsensusDriver::PostFetched(std::vector<pb::CertifiedBlock> blocks) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    consensus::FetchedEvent fetched;
    fetched.blocks = std::move(blocks);
    queue_.emplace_back(std::in_place_type<consensus::FetchedEvent>, std::move(fetched));
  }
  cv_.notify_one();
}

consensus::Stats ConsensusDriver::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void ConsensusDriver::Merge(consensus::Output& into, consensus::Output&& from) {
  Append(into.persist, std::move(from.persist));
  for (auto& m : from.messages) into.messages.push_back(std::move(m));
  for (auto& c : from.committed) into.committed.push_back(std::move(c));
  for (auto& r : from.relay) into.relay.push_back(std::move(r));
  for (auto& e : from.evidence) into.evidence.push_back(std::move(e));
  for (auto& e : from.view_events) into.view_events.push_back(std::move(e));
  if (from.fetch) {
    if (!into.fetch) {
      into.fetch = from.fetch;
    } else {
      into.fetch->to_sequence = std::max(into.fetch->to_sequence, from.fetch->to_sequence);
    }
  }
  if (from.stable_checkpoint) into.stable_checkpoint = from.stable_checkpoint;
}

double ConsensusDriver::SecondsSince(Clock::SteadyTime t) const {
  return std::chrono::duration<double>(clock_.Steady() - t).count();
}

void ConsensusDriver::Run() {
  const auto tick = std::chrono::milliseconds(options_.tick_ms);
  auto next_tick = clock_.Steady() + tick;
  for (;;) {
    std::deque<consensus::Event> events;
    {
      // The wait is real time (a deadline only bounds it); whether a tick is due
      // is decided by the clock.
      const auto wait = std::clamp<std::chrono::nanoseconds>(next_tick - clock_.Steady(),
                                                             std::chrono::nanoseconds(0), tick);
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, wait, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      events.swap(queue_);
    }
    // Everything that arrived together is stepped together and its records are
    // synced in one write before any of its messages leave.
    consensus::Output acc;
    const auto step_start = clock_.Steady();
    for (auto& ev : events) Merge(acc, replica_->Step(ev));
    const auto now = clock_.Steady();
    if (now >= next_tick) {
      Merge(acc, replica_->Step(consensus::TickEvent{clock_.WallMs()}));
      next_tick += tick;
      if (next_tick < now) next_tick = now + tick;  // fell behind: no burst
    }
    if (hooks_.on_timing) hooks_.on_timing("step", SecondsSince(step_start));
    Carry(std::move(acc));
    primary_ = replica_->primary();
    std::lock_guard<std::mutex> lock(mu_);
    stats_ = replica_->stats();
  }
}

void ConsensusDriver::CompactRecords(uint64_t stable) {
  std::vector<pb::ReplicaRecord> keep = consensus::RetainedRecords(log_, stable);
  if (keep.size() == log_.size()) return;
  Status st = ledger_.TruncateRecords(ledger_.RecordsMark(), keep);
  if (!st.ok()) Fatal("compacting consensus records: " + st.ToString());
  log_ = std::move(keep);
}

void ConsensusDriver::Carry(consensus::Output out) {
  if (!out.persist.empty()) {
    const auto t = clock_.Steady();
    Status st = ledger_.AppendRecords(out.persist);
    if (!st.ok()) Fatal("persisting consensus records: " + st.ToString());
    if (hooks_.on_timing) hooks_.on_timing("persist", SecondsSince(t));
    log_.insert(log_.end(), out.persist.begin(), out.persist.end());
  }
  if (out.stable_checkpoint) CompactRecords(*out.stable_checkpoint);
  for (const auto& m : out.messages) {
    pb::PeerFrame frame;
    *frame.mutable_consensus() = m.message;
    const std::string bytes = frame.SerializeAsString();
    if (m.to) {
      sender_.SendToValidator(*m.to, bytes);
    } else {
      sender_.BroadcastToValidators(bytes);
    }
  }
  if (!out.relay.empty()) {
    // As the node forwards its clients' transactions on admission (Node::SubmitMany):
    // one frame for all of this iteration's relays.
    pb::PeerFrame frame;
    for (auto& request : out.relay) frame.mutable_tx_batch()->add_txs(std::move(request));
    sender_.BroadcastToValidators(frame.SerializeAsString());
  }
  for (const auto& e : out.evidence) {
    if (hooks_.on_evidence) hooks_.on_evidence(e);
  }
  for (const auto& e : out.view_events) {
    if (hooks_.on_view_event) hooks_.on_view_event(e);
  }
  if (out.fetch && hooks_.on_fetch) hooks_.on_fetch(out.fetch->from_sequence, out.fetch->to_sequence);

  if (!out.committed.empty()) {
    {
      std::lock_guard<std::mutex> lock(exec_mu_);
      for (auto& c : out.committed) exec_queue_.push_back(std::move(c));
    }
    exec_cv_.notify_one();
  }
}

void ConsensusDriver::RunExecutor() {
  for (;;) {
    consensus::CommittedBatch c;
    {
      std::unique_lock<std::mutex> lock(exec_mu_);
      exec_cv_.wait(lock, [this] { return exec_stopping_ || !exec_queue_.empty(); });
      if (exec_stopping_) return;
      c = std::move(exec_queue_.front());
      exec_queue_.pop_front();
    }
    if (c.sequence <= ledger_.Height()) continue;  // already durable (restart overlap)
    if (c.sequence != ledger_.Height() + 1) Fatal("replica committed out of order");
    auto t = clock_.Steady();
    auto executed = executor_.Execute(c.batch, c.certificate);
    if (!executed.ok())
      Fatal("executing block " + std::to_string(c.sequence) + ": " + executed.status().ToString());
    if (hooks_.on_timing) hooks_.on_timing("execute", SecondsSince(t));
    t = clock_.Steady();
    Status st = ledger_.Append(executed->block, executed->writes);
    if (!st.ok()) Fatal("appending block " + std::to_string(c.sequence) + ": " + st.ToString());
    if (hooks_.on_timing) hooks_.on_timing("append", SecondsSince(t));
    if (hooks_.on_commit) hooks_.on_commit(*executed);
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back(
          consensus::ExecutedEvent{c.sequence, proto::BlockHash(executed->block.block().header())});
    }
    cv_.notify_one();
  }
}

}  // namespace cc::node
