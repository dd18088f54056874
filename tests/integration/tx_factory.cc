#include "tests/integration/tx_factory.h"

#include "cli/tx_builder.h"
#include "common/hex.h"
#include "crypto/keys.h"
#include "proto/canonical.h"

namespace cc::integration {

TxFactory::TxFactory(std::string chain_id, std::vector<cli::BenchMember> members)
    : chain_id_(std::move(chain_id)), members_(std::move(members)), nonce_base_(cli::RandomNonce() >> 2) {}

std::vector<SignedTx> TxFactory::Make(size_t count) {
  static constexpr pb::EventType kEvents[] = {pb::EVENT_LOAN_OPENED, pb::EVENT_REPAID, pb::EVENT_OVERDUE_30,
                                              pb::EVENT_SETTLED};
  std::vector<SignedTx> out;
  out.reserve(count);
  const uint64_t now = cli::NowMs();
  const uint32_t today = static_cast<uint32_t>(now / cli::kMsPerDay);
  const uint64_t first = next_.fetch_add(count);
  for (uint64_t i = first; i < first + count; ++i) {
    const cli::BenchMember& member = members_[i % members_.size()];
    const std::string rnd = crypto::RandomBytes(96);
    cli::RecordEventFields f;
    f.subject_key = rnd.substr(0, 32);
    f.event_type = kEvents[i % std::size(kEvents)];
    f.loan_ref_hash = rnd.substr(32, 32);
    f.amount_minor = (i % 1000 + 1) * 100;
    f.event_day = today;
    f.record_hash = rnd.substr(64, 32);
    const pb::TxBody body =
        cli::RecordEventBody(chain_id_, member.id, nonce_base_ + i, now - 60'000, now + 15 * 60'000, f);
    SignedTx tx;
    tx.raw = cli::SignTx(body, member.key);
    tx.id = ToHex(proto::TxId(tx.raw));
    out.push_back(std::move(tx));
  }
  return out;
}

}  // namespace cc::integration
