// QueryQuotaGuard: the member's daily query quota, enforced by the node before it
// answers, counting the queries it answered whose audit records are not committed
// yet.
//
// contracts::ReadQuotaStatus counts committed RecordQueryAudit records only. A node
// answers a query as soon as its audit is admitted, so without this guard a burst
// of queries within one block interval could all be answered although the ledger
// will reject the audits past the quota (the executor has the final word on what is
// recorded, but the answers would already be out). The guard holds the audits this
// node admitted and that have neither committed nor expired, and refuses a query
// when committed + pending + in-flight reaches the quota.
//
// Use: Reserve() before submitting the audit; then Admitted() with its id or
// Released() if admission refused it; Committed() from the commit listener.
//
// Thread safety: all methods are thread-safe (one mutex, short critical sections).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace cc::api {

class QueryQuotaGuard {
 public:
  // `on_ledger(tx_id)` says whether a transaction is already committed (checked
  // once per admitted audit, so a commit that raced the admission is not counted).
  explicit QueryQuotaGuard(std::function<bool(const std::string&)> on_ledger)
      : on_ledger_(std::move(on_ledger)) {}

  // True (and one query reserved) when committed_today + pending + reserved < quota.
  // Pending audits whose validity window ended before `now_ms` are dropped first
  // (they can never commit).
  bool Reserve(uint64_t committed_today, uint64_t quota, uint64_t now_ms);
  // REQUIRES (both): one successful Reserve() not yet finished by either.
  // The reserved query's audit was admitted; it stays pending until it commits or
  // its window (`not_after_ms`) ends.
  void Admitted(const std::string& tx_id, uint64_t not_after_ms);
  // Admission refused the reserved query's audit.
  void Released();
  // From the commit listener: these transactions are on the ledger.
  void Committed(const std::vector<std::string>& tx_ids);

  size_t pending() const;

 private:
  const std::function<bool(const std::string&)> on_ledger_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, uint64_t> pending_;  // tx id -> not_after_ms
  uint64_t reserved_ = 0;
};

}  // namespace cc::api
