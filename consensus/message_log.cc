#include "consensus/message_log.h"

#include <algorithm>

namespace cc::consensus {

const std::string& Slot::digest() const {
  static const std::string kNone;
  return preprepare ? preprepare->digest() : kNone;
}

Slot* MessageLog::Find(uint64_t sequence) {
  auto it = slots_.find(sequence);
  return it == slots_.end() ? nullptr : &it->second;
}

const Slot* MessageLog::Find(uint64_t sequence) const {
  auto it = slots_.find(sequence);
  return it == slots_.end() ? nullptr : &it->second;
}

Slot& MessageLog::At(uint64_t sequence, uint64_t view) {
  Slot& slot = slots_[sequence];
  if (slot.view != view) {
    slot = Slot{};
    slot.view = view;
  }
  return slot;
}

void MessageLog::AdvanceLow(uint64_t low) {
  if (low <= low_) return;
  low_ = low;
  slots_.erase(slots_.begin(), slots_.upper_bound(low));
}

void BatchStore::Put(const std::string& digest, const pb::Batch& batch, uint64_t sequence) {
  auto [it, inserted] = bodies_.try_emplace(digest, Body{batch, sequence});
  if (!inserted) it->second.sequence = std::max(it->second.sequence, sequence);
}

const pb::Batch* BatchStore::Get(const std::string& digest) const {
  auto it = bodies_.find(digest);
  return it == bodies_.end() ? nullptr : &it->second.batch;
}

void BatchStore::Forget(uint64_t up_to_sequence) {
  for (auto it = bodies_.begin(); it != bodies_.end();) {
    it = it->second.sequence <= up_to_sequence ? bodies_.erase(it) : std::next(it);
  }
}

}  // namespace cc::consensus
