#include "api/credit_quota.h"

namespace cc::api {

bool QueryQuotaGuard::Reserve(uint64_t committed_today, uint64_t quota, uint64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = pending_.begin(); it != pending_.end();) {
    it = it->second < now_ms ? pending_.erase(it) : std::next(it);
  }
  if (committed_today + pending_.size() + reserved_ >= quota) return false;
  ++reserved_;
  return true;
}

void QueryQuotaGuard::Admitted(const std::string& tx_id, uint64_t not_after_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  --reserved_;
  // Under the lock: a commit listener that ran before sees nothing to erase, but
  // then the ledger already holds the transaction; one that runs after erases it.
  if (!on_ledger_(tx_id)) pending_[tx_id] = not_after_ms;
}

void QueryQuotaGuard::Released() {
  std::lock_guard<std::mutex> lock(mu_);
  --reserved_;
}

void QueryQuotaGuard::Committed(const std::vector<std::string>& tx_ids) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pending_.empty()) return;
  for (const auto& id : tx_ids) pending_.erase(id);
}

size_t QueryQuotaGuard::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pending_.size();
}

}  // namespace cc::api
