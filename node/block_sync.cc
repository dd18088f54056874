#include "node/block_sync.h"

#include <algorithm>

namespace cc::node {

pb::BlockSyncResponse ServeBlockSync(const ledger::Ledger& ledger, const pb::BlockSyncRequest& request) {
  pb::BlockSyncResponse response;
  const uint64_t tip = ledger.Height();
  response.set_tip_height(tip);
  const uint32_t max = std::clamp<uint32_t>(request.max_blocks(), 1, kMaxBlocksPerResponse);
  size_t bytes = 0;
  for (uint64_t h = std::max<uint64_t>(request.from_height(), 1);
       h <= tip && response.blocks_size() < static_cast<int>(max); ++h) {
    auto block = ledger.GetBlock(h);
    if (!block.ok()) break;
    bytes += block->ByteSizeLong();
    if (bytes > kMaxResponseBytes && response.blocks_size() > 0) break;
    *response.add_blocks() = std::move(block).value();
  }
  return response;
}

pb::BlockSyncRequest SyncRequestFrom(uint64_t from_height) {
  pb::BlockSyncRequest request;
  request.set_from_height(from_height);
  request.set_max_blocks(kMaxBlocksPerResponse);
  return request;
}

void SyncClient::NoteRemoteHeight(uint64_t height) {
  std::lock_guard<std::mutex> lock(mu_);
  target_ = std::max(target_, height);
}

std::optional<pb::BlockSyncRequest> SyncClient::Poll(uint64_t local_height) {
  std::lock_guard<std::mutex> lock(mu_);
  if (local_height >= target_) {
    outstanding_since_.reset();
    return std::nullopt;
  }
  const auto now = clock_.Steady();
  if (outstanding_since_ && now - *outstanding_since_ < retry_after_) return std::nullopt;
  outstanding_since_ = now;
  return SyncRequestFrom(local_height + 1);
}

void SyncClient::OnResponse(const pb::BlockSyncResponse& response) {
  std::lock_guard<std::mutex> lock(mu_);
  target_ = std::max(target_, response.tip_height());
  outstanding_since_.reset();
}

void SyncClient::NoteRequestSent() {
  std::lock_guard<std::mutex> lock(mu_);
  outstanding_since_ = clock_.Steady();
}

uint64_t SyncClient::target() const {
  std::lock_guard<std::mutex> lock(mu_);
  return target_;
}

}  // namespace cc::node
