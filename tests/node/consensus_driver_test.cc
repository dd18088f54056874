// ConsensusDriver on fakes: a recording ledger (a MemoryLedger underneath), a
// recording sender and a recording executor, with real Ed25519 keys and the real
// replica. Proves the driver's three promises (consensus_driver.h): every record
// of an output is synced BEFORE any message of it leaves; committed batches are
// executed and appended in sequence order; a storage error aborts the process.
#include "node/consensus_driver.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "crypto/hash.h"
#include "ledger/block.h"
#include "ledger/memory_ledger.h"
#include "node/validator_keys.h"
#include "proto/canonical.h"

namespace cc::node {
namespace {

// What happened, in order, across the driver's threads.
class Journal {
 public:
  void Add(std::string entry) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(std::move(entry));
    cv_.notify_all();
  }
  std::vector<std::string> entries() const {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_;
  }
  // Waits (real time, bounded) until `pred(entries)` holds.
  template <class Pred>
  bool WaitFor(Pred pred) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(20), [&] { return pred(entries_); });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> entries_;
};

// The sequence and kind of a signed consensus message, as one word.
std::string Describe(const pb::ConsensusMessage& m) {
  switch (m.kind_case()) {
    case pb::ConsensusMessage::kPreprepare:
      return "preprepare/" + std::to_string(m.preprepare().sequence());
    case pb::ConsensusMessage::kPrepare:
      return "prepare/" + std::to_string(m.prepare().sequence());
    case pb::ConsensusMessage::kCommit:
      return "commit/" + std::to_string(m.commit().sequence());
    case pb::ConsensusMessage::kCheckpoint:
      return "checkpoint/" + std::to_string(m.checkpoint().sequence());
    default:
      return "view";
  }
}

class RecordingLedger final : public ledger::Ledger {
 public:
  explicit RecordingLedger(Journal& journal) : journal_(journal) {}
  bool fail_records = false;

  uint64_t Height() const override { return inner_.Height(); }
  std::string TipHash() const override { return inner_.TipHash(); }
  Status Append(const pb::CertifiedBlock& block, const ledger::StateWrites& writes) override {
    journal_.Add("append:" + std::to_string(block.block().header().height()));
    return inner_.Append(block, writes);
  }
  Result<pb::CertifiedBlock> GetBlock(uint64_t height) const override { return inner_.GetBlock(height); }
  Result<pb::CertifiedBlock> GetBlockByHash(std::string_view hash) const override {
    return inner_.GetBlockByHash(hash);
  }
  Result<ledger::TxLocation> FindTx(std::string_view id) const override { return inner_.FindTx(id); }
  Result<pb::TxProof> GetTxProof(std::string_view id) const override { return inner_.GetTxProof(id); }
  std::optional<std::string> GetState(std::string_view key) const override { return inner_.GetState(key); }
  std::vector<std::pair<std::string, std::string>> ScanState(std::string_view prefix,
                                                             size_t limit) const override {
    return inner_.ScanState(prefix, limit);
  }
  Status AppendRecords(const std::vector<pb::ReplicaRecord>& records) override {
    if (fail_records) return Status::Error("storage", "disk full (injected)");
    for (const auto& r : records) {
      if (r.has_sent()) journal_.Add("persist:" + Describe(r.sent()));
    }
    return inner_.AppendRecords(records);
  }
  std::vector<pb::ReplicaRecord> LoadRecords() const override { return inner_.LoadRecords(); }
  uint64_t RecordsMark() const override { return inner_.RecordsMark(); }
  Status TruncateRecords(uint64_t mark, const std::vector<pb::ReplicaRecord>& keep) override {
    return inner_.TruncateRecords(mark, keep);
  }

 private:
  Journal& journal_;
  ledger::MemoryLedger inner_;
};

class RecordingSender final : public PeerSender {
 public:
  explicit RecordingSender(Journal& journal) : journal_(journal) {}
  void SendToValidator(uint32_t, const std::string& frame) override { Record(frame); }
  void BroadcastToValidators(const std::string& frame) override { Record(frame); }
  void SendToAnyPeer(const std::string&) override {}

 private:
  void Record(const std::string& frame) {
    pb::PeerFrame f;
    ASSERT_TRUE(f.ParseFromString(frame));
    journal_.Add("send:" + Describe(f.consensus()));
  }
  Journal& journal_;
};

// Builds the block of each batch with an empty state, as a chain of hashes.
class RecordingExecutor final : public BlockExecutor {
 public:
  RecordingExecutor(Journal& journal, const ledger::Ledger& ledger) : journal_(journal), ledger_(ledger) {}
  Result<ExecutedBlock> Execute(const pb::Batch& batch, const pb::CommitCertificate& certificate) override {
    const uint64_t height = ledger_.Height() + 1;
    journal_.Add("execute:" + std::to_string(height));
    ExecutedBlock out;
    *out.block.mutable_block() =
        ledger::BuildBlockFromBatch(height, ledger_.TipHash(), batch, crypto::Blake2b256("state"));
    *out.block.mutable_certificate() = certificate;
    out.tx_ids = proto::TxIds(batch);
    return out;
  }

 private:
  Journal& journal_;
  const ledger::Ledger& ledger_;
};

crypto::KeyPair Key(uint32_t i) {
  return crypto::KeyPair::FromSeed(crypto::Blake2b256("driver-test/" + std::to_string(i)));
}

struct Fixture {
  explicit Fixture(uint32_t n) {
    std::vector<std::string> keys;
    for (uint32_t i = 0; i < n; ++i) keys.push_back(Key(i).public_key());
    signer = std::make_unique<KeySigner>(Key(0));
    verifier = std::make_unique<KeySetVerifier>(keys);
    options.tick_ms = 2;
    options.replica.chain_id = "driver-test";
    options.replica.n = n;
    options.replica.self = 0;  // the primary of view 0
    options.replica.max_batch_requests = 1;
  }
  ConsensusDriver::Hooks Hooks() {
    ConsensusDriver::Hooks hooks;
    hooks.on_commit = [this](const ExecutedBlock& b) {
      journal.Add("committed:" + std::to_string(b.block.block().header().height()));
    };
    return hooks;
  }
  std::unique_ptr<ConsensusDriver> Driver() {
    return std::make_unique<ConsensusDriver>(options, SystemClock::Get(), *signer, *verifier, ledger,
                                             executor, sender, Hooks());
  }

  Journal journal;
  RecordingLedger ledger{journal};
  RecordingSender sender{journal};
  RecordingExecutor executor{journal, ledger};
  std::unique_ptr<KeySigner> signer;
  std::unique_ptr<KeySetVerifier> verifier;
  ConsensusDriver::Options options;
};

std::string Request(int i) { return "request-" + std::to_string(i); }

TEST(ConsensusDriver, PersistsEveryRecordBeforeItsMessageLeaves) {
  Fixture f(4);  // three silent peers: the primary proposes, nothing commits
  auto driver = f.Driver();
  driver->Start();
  for (int i = 0; i < 3; ++i) driver->PostRequests({{Request(i), proto::TxId(Request(i))}});
  const auto sent_three = [](const std::vector<std::string>& e) {
    size_t sent = 0;
    for (const auto& x : e) sent += x.rfind("send:preprepare/", 0) == 0 ? 1 : 0;
    return sent >= 3;
  };
  ASSERT_TRUE(f.journal.WaitFor(sent_three)) << "the primary did not propose three batches";
  driver->Stop();
  const auto entries = f.journal.entries();
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].rfind("send:", 0) != 0) continue;
    const std::string persisted = "persist:" + entries[i].substr(5);
    bool before = false;
    for (size_t j = 0; j < i; ++j) before = before || entries[j] == persisted;
    EXPECT_TRUE(before) << entries[i] << " left before its record was synced";
  }
}

TEST(ConsensusDriver, ExecutesAndAppendsCommittedBatchesInSequenceOrder) {
  Fixture f(1);  // a quorum of one commits alone
  auto driver = f.Driver();
  driver->Start();
  constexpr int kBlocks = 12;
  for (int i = 0; i < kBlocks; ++i) driver->PostRequests({{Request(i), proto::TxId(Request(i))}});
  ASSERT_TRUE(f.journal.WaitFor([](const std::vector<std::string>& e) {
    return std::find(e.begin(), e.end(), "committed:" + std::to_string(kBlocks)) != e.end();
  })) << "not every request committed";
  driver->Stop();
  std::vector<std::string> order;
  for (const auto& e : f.journal.entries()) {
    if (e.rfind("execute:", 0) == 0 || e.rfind("append:", 0) == 0 || e.rfind("committed:", 0) == 0)
      order.push_back(e);
  }
  std::vector<std::string> expected;
  for (int h = 1; h <= kBlocks; ++h) {
    for (const char* stage : {"execute:", "append:", "committed:"})
      expected.push_back(stage + std::to_string(h));
  }
  EXPECT_EQ(order, expected);
  EXPECT_EQ(f.ledger.Height(), static_cast<uint64_t>(kBlocks));
}

TEST(ConsensusDriverDeathTest, AbortsWhenItsRecordsCannotBeSynced) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Fixture f(1);
        f.ledger.fail_records = true;
        auto driver = f.Driver();
        driver->Start();
        driver->PostRequests({{Request(0), proto::TxId(Request(0))}});
        std::this_thread::sleep_for(std::chrono::seconds(20));  // bounded: the abort comes first
      },
      "persisting consensus records");
}

}  // namespace
}  // namespace cc::node
