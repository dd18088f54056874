// The checks every transaction passes, block-level behaviour, determinism.
#include "contracts/executor.h"

#include <gtest/gtest.h>

#include "contracts/keys.h"
#include "contracts/queries.h"
#include "contracts/state_root.h"
#include "proto/canonical.h"
#include "tests/contracts/test_chain.h"

namespace cc::contracts {
namespace {

using testing::kLoan;
using testing::TestChain;
using testing::TxId;

std::string Event(TestChain& c, const std::string& sender = "bank-a") {
  return c.RecordEvent(sender, TestChain::Subject("alice"), pb::EVENT_LOAN_OPENED, kLoan);
}

// State entries other than the bookkeeping every block writes (tip, counters)
// and the receipts.
std::map<std::string, std::string> Business(const MemoryState& s) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : s.entries()) {
    if (k == keys::Tip() || k == keys::Counters() || k.starts_with("r/")) continue;
    out.emplace(k, v);
  }
  return out;
}

TEST(Executor, AcceptsASignedEventAndStoresItsReceipt) {
  TestChain c;
  const std::string tx = Event(c);
  const BlockResult r = c.Run({tx});
  ASSERT_EQ(r.receipts.size(), 1u);
  EXPECT_EQ(r.receipts[0].code, "ok") << r.receipts[0].message;
  EXPECT_EQ(r.receipts[0].tx_id, TxId(tx));
  EXPECT_EQ(r.accepted, 1u);
  EXPECT_EQ(r.state_root.size(), 32u);
  const std::optional<ReceiptRecord> stored = ReadReceipt(c.state(), TxId(tx));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->code, "ok");
  EXPECT_EQ(stored->height, 1u);
  EXPECT_TRUE(std::is_sorted(r.writes.begin(), r.writes.end(),
                             [](const StateWrite& a, const StateWrite& b) { return a.first < b.first; }));
}

TEST(Executor, MalformedAndNonCanonicalBytesAreRejected) {
  TestChain c;
  std::string padded = Event(c);
  // An unknown field appended: parses, but is not the canonical form.
  padded += std::string("\xa8\x06\x01", 3);
  const BlockResult r = c.Run({"\xff\xff garbage", padded});
  EXPECT_EQ(r.receipts[0].code, "malformed");
  EXPECT_EQ(r.receipts[1].code, "non_canonical");
}

TEST(Executor, WrongChainIsRejected) {
  TestChain c;
  pb::TxBody body = c.Body("bank-a");
  body.set_chain_id("another-chain");
  body.mutable_query_audit();
  EXPECT_EQ(c.RunOne(c.Sign(body)).code, "wrong_chain");
}

TEST(Executor, UnknownMemberIsRejected) {
  TestChain c;
  pb::TxBody body = c.Body("mallory");
  body.mutable_record_event()->set_subject_key(TestChain::Subject("alice"));
  EXPECT_EQ(c.RunOne(TestChain::Sign(body, TestChain::KeyFor("mallory"))).code, "unknown_member");
}

TEST(Executor, BadSignatureIsRejected) {
  TestChain c;
  // bank-b signs a body that claims to come from bank-a.
  pb::TxBody body = c.Body("bank-a");
  body.mutable_record_event()->set_subject_key(TestChain::Subject("alice"));
  EXPECT_EQ(c.RunOne(TestChain::Sign(body, c.Key("bank-b"))).code, "bad_signature");
  // A valid signature over different bytes.
  pb::SignedTx tx;
  ASSERT_TRUE(tx.ParseFromString(Event(c)));
  tx.mutable_body()->mutable_record_event()->set_amount_minor(1);
  EXPECT_EQ(c.RunOne(tx.SerializeAsString()).code, "bad_signature");
}

TEST(Executor, ValidityWindowIsJudgedAgainstBlockTime) {
  TestChain c;
  pb::TxBody expired = c.Body("bank-a");
  expired.set_not_before_ms(c.now_ms() - 7200 * 1000);
  expired.set_not_after_ms(c.now_ms() - 1);
  expired.mutable_query_audit();
  pb::TxBody early = c.Body("bank-a");
  early.set_not_before_ms(c.now_ms() + 1);
  early.set_not_after_ms(c.now_ms() + 3600 * 1000);
  early.mutable_query_audit();
  pb::TxBody too_long = c.Body("bank-a");
  too_long.set_not_after_ms(too_long.not_before_ms() + kMsPerDay + 1);
  too_long.mutable_query_audit();
  const BlockResult r = c.Run({c.Sign(expired), c.Sign(early), c.Sign(too_long)});
  EXPECT_EQ(r.receipts[0].code, "expired");
  EXPECT_EQ(r.receipts[1].code, "not_yet_valid");
  EXPECT_EQ(r.receipts[2].code, "window_too_long");
}

TEST(Executor, ReplayedNonceIsRejected) {
  TestChain c;
  const std::string ok_tx = Event(c);
  pb::SignedTx parsed;
  ASSERT_TRUE(parsed.ParseFromString(ok_tx));
  // Same sender and nonce, different content: a different tx id, same nonce.
  pb::TxBody again = parsed.body();
  again.mutable_record_event()->set_amount_minor(999);
  const BlockResult r = c.Run({ok_tx, c.Sign(again)});
  EXPECT_EQ(r.receipts[0].code, "ok");
  EXPECT_EQ(r.receipts[1].code, "replayed_nonce");
  // And in a later block.
  again.mutable_record_event()->set_amount_minor(1000);
  EXPECT_EQ(c.RunOne(c.Sign(again)).code, "replayed_nonce");
}

TEST(Executor, NonceIsFreeAgainOnceItsWindowEndedAndIsPruned) {
  TestChain c;
  const std::string tx = Event(c);
  pb::SignedTx parsed;
  ASSERT_TRUE(parsed.ParseFromString(tx));
  ASSERT_EQ(c.RunOne(tx).code, "ok");
  const std::string nonce_key = keys::Nonce("bank-a", parsed.body().nonce());
  ASSERT_TRUE(c.state().Get(nonce_key).has_value());
  c.AdvanceDays(1);
  c.Run({});  // the block after the window ended prunes the record
  EXPECT_FALSE(c.state().Get(nonce_key).has_value());
  EXPECT_TRUE(c.state().Scan(keys::kNonceExpiryPrefix, 10).empty());
  // The old signed tx cannot come back (its window is over)...
  EXPECT_EQ(c.RunOne(tx).code, "duplicate");
  // ...but a new tx may use the nonce again.
  pb::TxBody body = parsed.body();
  body.set_not_before_ms(c.now_ms() - 1000);
  body.set_not_after_ms(c.now_ms() + 1000);
  EXPECT_EQ(c.RunOne(c.Sign(body)).code, "ok");
}

TEST(Executor, PruningDrainsManyExpiredNoncesInPages) {
  TestChain c;
  std::vector<std::string> txs;
  for (int i = 0; i < 70; ++i) txs.push_back(c.Query("bank-a", TestChain::Subject("alice")));
  ASSERT_EQ(c.Run(txs).accepted, 70u);
  c.Run({});  // nothing has expired yet
  EXPECT_EQ(c.state().Scan(keys::kNonceExpiryPrefix, 1000).size(), 70u);
  c.AdvanceDays(1);
  const std::string fresh = c.Query("bank-b", TestChain::Subject("alice"));
  ASSERT_EQ(c.RunOne(fresh).code, "ok");
  // All 70 expired records went in one block; the fresh tx's record stays.
  EXPECT_EQ(c.state().Scan(keys::kNonceExpiryPrefix, 1000).size(), 1u);
  EXPECT_EQ(c.state().Scan("n/bank-a/", 1000).size(), 0u);
  EXPECT_EQ(c.state().Scan("n/bank-b/", 1000).size(), 1u);
}

TEST(Executor, EmptyPayloadIsRejected) {
  TestChain c;
  EXPECT_EQ(c.RunOne(c.Sign(c.Body("bank-a"))).code, "empty_payload");
}

TEST(Executor, ARejectedTxChangesNoStateAndKeepsItsNonceFree) {
  TestChain c;
  const auto before = Business(c.state());
  // A well-signed tx rejected by its payload rules (event day in the future).
  pb::TxBody body = c.Body("bank-a");
  auto* p = body.mutable_record_event();
  p->set_subject_key(TestChain::Subject("alice"));
  p->set_event_type(pb::EVENT_DEFAULT);
  p->set_loan_ref_hash(kLoan);
  p->set_currency("CNY");
  p->set_record_hash(TestChain::Hash("r"));
  p->set_event_day(static_cast<uint32_t>(c.today() + 5));
  const std::string rejected = c.Sign(body);
  const BlockResult r = c.Run({rejected});
  EXPECT_EQ(r.receipts[0].code, "event_in_future");
  EXPECT_EQ(r.rejected, 1u);
  EXPECT_EQ(Business(c.state()), before);
  // Only the receipt, the counters and the tip were written.
  ASSERT_EQ(r.writes.size(), 3u);
  EXPECT_EQ(r.writes[0].first, keys::Counters());
  EXPECT_EQ(r.writes[1].first, keys::Tip());
  EXPECT_EQ(r.writes[2].first, keys::Receipt(TxId(rejected)));
  EXPECT_EQ(ReadReceipt(c.state(), TxId(rejected))->code, "event_in_future");
  // The nonce was not used: a corrected tx with the same nonce is accepted.
  p->set_event_day(static_cast<uint32_t>(c.today()));
  EXPECT_EQ(c.RunOne(c.Sign(body)).code, "ok");
}

TEST(Executor, ATxIdRunsOnlyOnce) {
  TestChain c;
  const std::string tx = Event(c);
  const std::string other = Event(c, "bank-b");
  BlockResult r = c.Run({tx, tx, other}, /*skip=*/{2});
  EXPECT_EQ(r.receipts[0].code, "ok");
  EXPECT_EQ(r.receipts[1].code, "duplicate");
  EXPECT_EQ(r.receipts[2].code, "duplicate");  // consensus said so
  EXPECT_EQ(r.accepted, 1u);
  EXPECT_EQ(r.rejected, 0u);
  EXPECT_FALSE(ReadReceipt(c.state(), TxId(other)).has_value());
  r = c.Run({tx});
  EXPECT_EQ(r.receipts[0].code, "duplicate");
  EXPECT_EQ(r.writes.size(), 1u);  // the tip only
}

TEST(Executor, BlockTimeNeverGoesBackwards) {
  TestChain c;
  c.Run({});
  const uint64_t t1 = c.last_block_time_ms();
  c.SetNow(t1 - 5000);  // a primary with a slow clock
  const BlockResult r = c.Run({});
  EXPECT_EQ(r.block_time_ms, t1);
  EXPECT_EQ(ReadChainTip(c.state())->block_time_ms, t1);
}

TEST(Executor, RefusesABlockThatDoesNotFollowTheTip) {
  TestChain c;
  BlockContext ctx;
  ctx.height = 2;
  ctx.timestamp_ms = c.now_ms();
  ctx.prev_state_root = c.root();
  ctx.prev_block_time_ms = c.last_block_time_ms();
  Result<BlockResult> r = ExecuteBlock(c.state(), ctx, {}, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), "bad_context");
  ctx.height = 1;
  ctx.prev_block_time_ms += 1;
  EXPECT_EQ(ExecuteBlock(c.state(), ctx, {}, {}).status().code(), "bad_context");
  MemoryState empty;
  EXPECT_EQ(ExecuteBlock(empty, ctx, {}, {}).status().code(), "no_genesis");
}

TEST(Executor, SameBlockOnTwoFreshStatesGivesIdenticalWritesAndRoot) {
  TestChain a;
  TestChain b;
  std::vector<std::string> txs;
  for (int i = 0; i < 20; ++i) {
    txs.push_back(a.RecordEvent(i % 2 ? "bank-a" : "bank-c", TestChain::Subject("s" + std::to_string(i % 3)),
                                pb::EVENT_OVERDUE_30, TestChain::Hash("loan" + std::to_string(i))));
  }
  txs.push_back(a.Query("bank-b", TestChain::Subject("s1")));
  txs.push_back(a.AddBlacklist("lender-e", TestChain::Subject("s2")));
  const BlockResult ra = a.Run(txs);
  const BlockResult rb = b.Run(txs);
  EXPECT_EQ(ra.accepted, txs.size());
  EXPECT_EQ(ra.writes, rb.writes);
  EXPECT_EQ(ra.state_root, rb.state_root);
  EXPECT_EQ(a.state().entries(), b.state().entries());
  // Another order is another block: a different root.
  TestChain d;
  std::vector<std::string> reversed(txs.rbegin(), txs.rend());
  EXPECT_NE(d.Run(reversed).state_root, ra.state_root);
}

TEST(Executor, RootChainsFromThePreviousRoot) {
  TestChain c;
  const std::string genesis_root = c.root();
  const BlockResult r1 = c.Run({});
  EXPECT_EQ(r1.state_root, ComputeStateRoot(genesis_root, 1, r1.writes));
}

TEST(Executor, PreverifiedSignaturesSkipOnlyWhatWasVerified) {
  TestChain c;
  const std::string good = Event(c);
  pb::TxBody body = c.Body("bank-a");
  body.mutable_query_audit();
  const std::string forged = TestChain::Sign(body, c.Key("bank-b"));
  PreverifiedSignatures pre;
  pre.Add(TxId(good), c.Key("bank-a").public_key());
  BlockContext ctx{1, c.now_ms(), c.root(), c.last_block_time_ms()};
  ExecuteOptions options;
  options.signatures = &pre;
  Result<BlockResult> r = ExecuteBlock(c.state(), ctx, {good, forged}, {}, options);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->receipts[0].code, "ok");
  EXPECT_EQ(r->receipts[1].code, "bad_signature");  // not in the set: verified directly
  Result<BlockResult> direct = ExecuteBlock(c.state(), ctx, {good, forged}, {});
  EXPECT_EQ(direct->state_root, r->state_root);
}

TEST(Executor, PrecheckTellsWhatTheNextBlockWouldSay) {
  TestChain c;
  const std::string tx = Event(c);
  EXPECT_TRUE(PrecheckTx(c.state(), tx, c.now_ms()).ok());
  EXPECT_EQ(PrecheckTx(c.state(), tx, c.now_ms() + 2 * kMsPerDay).code(), "expired");
  ASSERT_EQ(c.RunOne(tx).code, "ok");
  EXPECT_EQ(PrecheckTx(c.state(), tx, c.now_ms()).code(), "duplicate");
}

}  // namespace
}  // namespace cc::contracts
