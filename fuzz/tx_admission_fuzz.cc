// Transactions from outside (POST /v1/tx bodies, and SignedTx forwarded by other
// validators in PeerFrame.tx): canonical parsing (proto/canonical.h) and the node's
// admission (node/admission.h) against the state of FuzzChain::Populated().
//
// Input: flags (U8), a time offset in seconds after the chain's last block (U16),
// then the raw SignedTx bytes (Rest). Flags: bit 0 re-signs the body with its
// sender's key when the sender is a fuzz-alliance member (so mutated payloads reach
// the contract rules behind the signature check); bit 1 admits it as forwarded
// (AdmitForwarded) instead of as the primary (Admit).
//
// Checks: a refused transaction leaves the mempool empty; an admitted one is
// canonical, for this chain, in the mempool under its id, refused as "duplicate"
// the second time; and it executes: Admit's promise (PrecheckTx) is that it would
// be accepted as the first transaction of the next block at that time, so its
// receipt must be "ok"; a forwarded one only has to execute without error.
#include <google/protobuf/stubs/logging.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "common/clock.h"
#include "contracts/ledger_executor.h"
#include "fuzz/fuzz_chain.h"
#include "fuzz/fuzz_input.h"
#include "ledger/block.h"
#include "node/admission.h"
#include "node/mempool.h"
#include "proto/canonical.h"

namespace cc::fuzz {
namespace {

constexpr uint8_t kResign = 1;
constexpr uint8_t kForwarded = 2;
constexpr uint32_t kMaxTxBytes = 64 * 1024;

FuzzChain& Chain() {
  static const std::unique_ptr<FuzzChain> chain = FuzzChain::Populated();
  return *chain;
}

bool IsMember(const std::string& id) {
  for (const auto& m : FuzzGenesis().members) {
    if (m.id == id) return true;
  }
  return false;
}

std::string Resign(const std::string& raw) {
  pb::SignedTx tx;
  if (!tx.ParseFromString(raw) || !IsMember(tx.body().sender())) return raw;
  return SignAs(tx.body());
}

std::string Input(uint8_t flags, uint16_t offset_s, const std::string& tx) {
  return FuzzWriter().U8(flags).U16(offset_s).Rest(tx).Take();
}

}  // namespace

std::vector<Seed> FuzzSeeds() {
  // Fresh transactions from a second copy of the chain (same keys, next nonces).
  auto c = FuzzChain::Populated();
  const std::string alice = SubjectKey("alice");
  const std::string carol = SubjectKey("carol");
  const std::string event_id = c->ids["event"].front();
  std::vector<Seed> seeds;
  seeds.emplace_back("valid_event", Input(0, 1, c->RecordEvent("bank-a", carol, pb::EVENT_LOAN_OPENED)));
  seeds.emplace_back("valid_overdue", Input(0, 5, c->RecordEvent("bank-d", alice, pb::EVENT_OVERDUE_60)));
  seeds.emplace_back("valid_amend", Input(0, 1, c->Amend("regulator", event_id, pb::AMEND_DISPUTED)));
  seeds.emplace_back("valid_blacklist", Input(0, 1, c->AddBlacklist("bank-c", carol)));
  seeds.emplace_back("valid_removal", Input(0, 1, c->RemoveBlacklist("bank-d", c->ids["blacklist"].back())));
  seeds.emplace_back("valid_query", Input(0, 2, c->Query("lender-e", alice)));
  seeds.emplace_back("valid_approval", Input(0, 1, c->Approve("bank-c", c->ids["proposal"].front())));
  seeds.emplace_back("valid_proposal",
                     Input(0, 1, c->Propose("bank-b", pb::CHANGE_SUSPEND_MEMBER, "lender-e", "")));
  seeds.emplace_back("valid_action", Input(0, 1, c->RegulatoryAction("regulator", "bank-d")));
  seeds.emplace_back("forwarded_event",
                     Input(kForwarded, 0, c->RecordEvent("bank-b", carol, pb::EVENT_REPAID)));
  pb::TxBody stale = c->Body("bank-a");
  stale.mutable_record_event()->set_subject_key(carol);
  seeds.emplace_back("resign_incomplete_event", Input(kResign, 0, WithSignature(stale, std::string(64, 0))));
  seeds.emplace_back("bad_signature", Input(0, 0, WithSignature(stale, std::string(64, 7))));
  std::string trailing = c->RecordEvent("bank-a", carol, pb::EVENT_DEFAULT);
  trailing.append("\x78\x01");  // unknown field 15, varint: parses, not canonical
  seeds.emplace_back("bad_non_canonical", Input(0, 0, trailing));
  seeds.emplace_back("bad_committed", Input(0, 0, Chain().blocks().front().block().txs(0)));
  seeds.emplace_back("bad_garbage", Input(kForwarded, 0, "\x0a\xff\xff\xff\x0f"));
  return seeds;
}

}  // namespace cc::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // invalid UTF-8 in string fields is expected here
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cc;
  using namespace cc::fuzz;
  FuzzInput in(data, size);
  const uint8_t flags = in.U8();
  const uint64_t now_ms = Chain().now_ms() + uint64_t{in.U16()} * 1000;
  std::string raw = in.Rest();
  if (flags & kResign) raw = Resign(raw);
  const bool forwarded = (flags & kForwarded) != 0;

  const FuzzChain& chain = Chain();
  FakeClock clock(now_ms);
  node::Mempool mempool(1000, 64u << 20, clock);
  node::VerifiedSignatures signatures;
  node::Admission admission(chain.state(), chain.ledger(), mempool, signatures, kMaxTxBytes, kFuzzChainId);

  auto id = forwarded ? admission.AdmitForwarded(raw) : admission.Admit(raw, now_ms);
  static const bool verbose = std::getenv("CC_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "admission: %s\n", id.ok() ? "admitted" : id.status().ToString().c_str());
  if (!id.ok()) {
    FUZZ_CHECK(mempool.size() == 0);
    return 0;
  }
  FUZZ_CHECK(*id == proto::TxId(raw));
  FUZZ_CHECK(mempool.size() == 1 && mempool.Contains(*id));
  pb::SignedTx tx;
  FUZZ_CHECK(proto::ParseCanonicalTx(raw, &tx).ok());
  FUZZ_CHECK(tx.body().chain_id() == kFuzzChainId);
  auto again = forwarded ? admission.AdmitForwarded(raw) : admission.Admit(raw, now_ms);
  FUZZ_CHECK(!again.ok() && again.status().code() == "duplicate");
  FUZZ_CHECK(mempool.size() == 1);

  // The next block, holding just this transaction, at now_ms.
  static const contracts::LedgerExecutor executor(chain.ledger(), FuzzGenesis(), chain.state(), nullptr);
  pb::Batch batch;
  batch.set_timestamp_ms(now_ms);
  batch.add_requests(raw);
  const uint64_t height = chain.ledger().Height() + 1;
  auto executed = executor.Execute(batch, Certify(height, proto::BatchDigestOf(batch), 0, {}));
  FUZZ_CHECK(executed.ok());
  FUZZ_CHECK(executed->tx_ids.size() == 1 && executed->tx_ids[0] == *id);
  if (!forwarded) FUZZ_CHECK(executed->rejected.empty());
  FUZZ_CHECK(ledger::CheckBlock(executed->block.block()).ok());
  return 0;
}
