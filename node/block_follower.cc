#include "node/block_follower.h"

#include "common/fatal.h"
#include "common/log.h"
#include "ledger/block.h"
#include "proto/canonical.h"

namespace cc::node {

BlockFollower::BlockFollower(ledger::Ledger& ledger, BlockExecutor& executor, std::string chain_id,
                             std::vector<std::string> validator_keys,
                             std::function<void(const ExecutedBlock&)> on_commit)
    : ledger_(ledger),
      executor_(executor),
      chain_id_(std::move(chain_id)),
      validator_keys_(std::move(validator_keys)),
      on_commit_(std::move(on_commit)) {}

BlockFollower::~BlockFollower() { Stop(); }

void BlockFollower::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
}

void BlockFollower::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BlockFollower::Offer(std::vector<pb::CertifiedBlock> blocks) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    const uint64_t height = ledger_.Height();
    for (auto& b : blocks) {
      const uint64_t h = b.block().header().height();
      if (h <= height || pending_.size() >= kMaxPendingBlocks) continue;
      pending_.emplace(h, std::move(b));
    }
  }
  cv_.notify_one();
}

void BlockFollower::Run() {
  for (;;) {
    pb::CertifiedBlock block;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(200), [this] {
        return stopping_ || (!pending_.empty() && pending_.begin()->first <= ledger_.Height() + 1);
      });
      if (stopping_) return;
      while (!pending_.empty() && pending_.begin()->first <= ledger_.Height())
        pending_.erase(pending_.begin());
      if (pending_.empty() || pending_.begin()->first != ledger_.Height() + 1) continue;
      block = std::move(pending_.begin()->second);
      pending_.erase(pending_.begin());
    }
    Apply(block);
  }
}

void BlockFollower::Apply(const pb::CertifiedBlock& block) {
  const auto& header = block.block().header();
  const std::string height = std::to_string(header.height());
  Status st = ledger::CheckBlock(block.block());
  if (st.ok()) st = ledger::VerifyCertificate(block.certificate(), header, chain_id_, validator_keys_);
  if (!st.ok()) {
    rejected_++;
    Log(LogLevel::kWarn, "refused block", {{"height", height}, {"reason", st.ToString()}});
    return;
  }
  verified_++;
  pb::Batch batch;
  batch.set_timestamp_ms(header.timestamp_ms());
  for (const auto& tx : block.block().txs()) batch.add_requests(tx);
  auto executed = executor_.Execute(batch, block.certificate());
  if (!executed.ok()) {
    Log(LogLevel::kError, "cannot execute block",
        {{"height", height}, {"reason", executed.status().ToString()}});
    rejected_++;
    return;
  }
  if (proto::BlockHash(executed->block.block().header()) != proto::BlockHash(header)) {
    // The validators certified the batch, but our execution disagrees with the
    // state root they reported: never store a block we cannot reproduce.
    rejected_++;
    Log(LogLevel::kError, "state root mismatch: refusing block", {{"height", height}});
    return;
  }
  st = ledger_.Append(executed->block, executed->writes);
  // A failed synced write poisons the ledger until it is reopened (leveldb_ledger.h):
  // as on a validator, the process ends and a restart recovers what was synced.
  if (!st.ok()) Fatal("appending block " + height + ": " + st.ToString());
  on_commit_(*executed);
}

}  // namespace cc::node
