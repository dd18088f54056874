// "Never signs twice after a restart": a real PBFT replica whose records and blocks
// go to a real LevelDbLedger on a FaultEnv, crashed by a disk fault at every
// position of a scenario (normal case, checkpoints with record compaction, a view
// change, catch-up) and restarted from what survived a power loss.
//
// The level. Four real consensus::Replica objects (real Ed25519 keys) on a
// synchronous in-memory network; ONE of them (the "disk replica") keeps its
// records and blocks in a LevelDbLedger through a FaultEnv, the others in
// MemoryLedgers. The disk replica is carried exactly as node/consensus_driver.cc
// carries it, in the same order: the output's records go to AppendRecords (synced)
// BEFORE any of its messages is sent; a stable checkpoint compacts the log with
// consensus::RetainedRecords and TruncateRecords(RecordsMark(), keep); each
// committed batch is appended as one block (block, certificate, state) and reported
// back as an Executed event; a restart rebuilds RestoreState from the ledger as
// ConsensusDriver::Start does. A storage error ends the process on the spot (the
// driver's Fatal): the rest of that output is never sent, and the "process" restarts
// after a power loss. So the messages sent are exactly those whose records were
// synced. The real ConsensusDriver is not used because it runs on threads and wall
// ticks (fault positions would not be reproducible) and aborts the process on a
// storage error (one fork per position, thousands of them); the properties under
// test live in the replica, the ledger and that ordering, all of which are real here.
//
// Checked over every run, across all the disk replica's incarnations:
//   - no two messages signed by it conflict: one PRE-PREPARE digest per (view,
//     sequence) (those re-issued inside its NEW-VIEWs included), one PREPARE and one
//     COMMIT digest per (view, sequence), one CHECKPOINT state per sequence, one
//     VIEW-CHANGE and one NEW-VIEW per view;
//   - after each restart it is offered, for every (view, sequence) it PREPAREd,
//     a conflicting PRE-PREPARE forged with the primary's key: an equivocating
//     primary must not get a second vote out of a restarted backup;
//   - no honest replica reports evidence against it;
//   - the honest replicas' ledgers agree with each other and with its ledger, and
//     every request is committed;
//   - after a single crash it recovers: by the end it is in the others' view and
//     has every request committed.
// Faults: every write position (failed and torn alternately) and every sync
// position of a fault-free run, once, with the two power-loss variants alternating;
// and a disk that fails every k-th write for k = 2..kMaxPeriod, crashing again and
// again (also in view changes and in recovery).
#include <gtest/gtest.h>

#include <deque>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "consensus/messages.h"
#include "consensus/record_retention.h"
#include "consensus/replica.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "ledger/block.h"
#include "ledger/leveldb_ledger.h"
#include "ledger/memory_ledger.h"
#include "proto/canonical.h"
#include "tests/support/fault_env.h"
#include "tests/support/temp_dir.h"

namespace cc::ledger {
namespace {

using cc::testing::FaultEnv;
using cc::testing::TempDir;
using Fault = FaultEnv::Fault;

constexpr uint32_t kN = 4;
constexpr int kRequests = 12;
constexpr uint64_t kMaxPeriod = 12;

class KeySigner final : public consensus::Signer {
 public:
  explicit KeySigner(const crypto::KeyPair& key) : key_(key) {}
  std::string Sign(std::string_view message) override { return key_.Sign(message); }

 private:
  const crypto::KeyPair& key_;
};

class KeyVerifier final : public consensus::Verifier {
 public:
  explicit KeyVerifier(std::vector<std::string> keys) : keys_(std::move(keys)) {}
  bool Verify(uint32_t replica, std::string_view message, std::string_view signature) override {
    return replica < keys_.size() && crypto::Verify(keys_[replica], message, signature);
  }

 private:
  std::vector<std::string> keys_;
};

consensus::Config MakeConfig(uint32_t self) {
  consensus::Config c;
  c.chain_id = "fault-consensus";
  c.n = kN;
  c.self = self;
  c.checkpoint_interval = 4;
  c.watermark_window = 16;
  c.max_inflight = 4;
  c.max_batch_requests = 1;
  c.batch_timeout_ticks = 1;
  c.view_change_timeout_ticks = 20;
  return c;
}

// Remembers every message the disk replica signed and reports the first conflict.
class SignatureBook {
 public:
  void Add(const pb::ConsensusMessage& m, uint32_t self) {
    if (m.has_preprepare() && m.preprepare().replica() == self) {
      Note("PRE-PREPARE", m.preprepare().view(), m.preprepare().sequence(), m.preprepare().digest());
    }
    if (m.has_new_view() && m.new_view().replica() == self) {
      Note("NEW-VIEW", m.new_view().view(), 0, Unsigned(m.new_view()));
      for (const auto& pp : m.new_view().preprepares())
        Note("PRE-PREPARE", pp.view(), pp.sequence(), pp.digest());
    }
    if (m.has_prepare() && m.prepare().replica() == self) {
      Note("PREPARE", m.prepare().view(), m.prepare().sequence(), m.prepare().digest());
      prepared.insert({m.prepare().view(), m.prepare().sequence()});
    }
    if (m.has_commit() && m.commit().replica() == self) {
      Note("COMMIT", m.commit().view(), m.commit().sequence(), m.commit().digest());
    }
    if (m.has_checkpoint() && m.checkpoint().replica() == self) {
      Note("CHECKPOINT", 0, m.checkpoint().sequence(), m.checkpoint().state_digest());
    }
    if (m.has_view_change() && m.view_change().replica() == self) {
      Note("VIEW-CHANGE", m.view_change().new_view(), 0, Unsigned(m.view_change()));
    }
  }
  const std::vector<std::string>& conflicts() const { return conflicts_; }
  std::set<std::pair<uint64_t, uint64_t>> prepared;  // (view, sequence) it PREPAREd

 private:
  // The content without the signature (Ed25519 is deterministic, but say what is meant).
  template <typename M>
  static std::string Unsigned(M m) {
    m.clear_signature();
    return m.SerializeAsString();
  }
  void Note(const std::string& kind, uint64_t view, uint64_t sequence, const std::string& content) {
    const std::string key = kind + " view " + std::to_string(view) + " sequence " + std::to_string(sequence);
    auto [it, fresh] = seen_.emplace(key, content);
    if (!fresh && it->second != content && reported_.insert(key).second) conflicts_.push_back(key);
  }
  std::map<std::string, std::string> seen_;
  std::set<std::string> reported_;
  std::vector<std::string> conflicts_;
};

struct Envelope {
  uint32_t from;
  uint32_t to;
  pb::ConsensusMessage message;
};

// How the disk fails: once at one position, or every `period`-th write.
struct DiskFaults {
  Fault fault = Fault::kFailWrite;
  uint64_t position = FaultEnv::kForever;  // kForever: no single fault
  uint64_t period = 0;                     // > 0: fail every period-th write, each incarnation
  bool keep_some = false;                  // power loss keeps part of the unsynced data
};

class Cluster {
 public:
  Cluster(uint32_t disk, DiskFaults faults, uint64_t seed) : disk_(disk), faults_(faults), env_(seed) {
    env_.SetFaultFiles(FaultEnv::kLogFiles);
    for (uint32_t i = 0; i < kN; ++i)
      keys_.push_back(crypto::KeyPair::FromSeed(std::string(32, char('a' + i))));
    std::vector<std::string> pubs;
    for (const auto& k : keys_) pubs.push_back(k.public_key());
    for (uint32_t i = 0; i < kN; ++i) {
      nodes_.push_back(std::make_unique<Node>());
      nodes_[i]->signer = std::make_unique<KeySigner>(keys_[i]);
      nodes_[i]->verifier = std::make_unique<KeyVerifier>(pubs);
      if (i != disk_) nodes_[i]->ledger = std::make_unique<MemoryLedger>();
    }
    OpenDisk();
    for (uint32_t i = 0; i < kN; ++i) Start(i);
    ArmIncarnation();
  }

  FaultEnv& env() { return env_; }
  const SignatureBook& book() const { return book_; }
  int restarts() const { return restarts_; }
  uint64_t evidence_against_disk() const { return evidence_against_disk_; }
  const Ledger& ledger(uint32_t i) const { return *nodes_[i]->ledger; }
  bool broken() const { return broken_; }
  consensus::Stats stats(uint32_t i) const { return nodes_[i]->replica->stats(); }
  int compactions() const { return compactions_; }
  int forged() const { return forged_; }

  void Request(int i) {
    const std::string request = "request-" + std::to_string(i);
    for (uint32_t n = 0; n < kN; ++n) Deliver(n, consensus::RequestEvent{request, proto::TxId(request)});
    Run();
  }
  void Tick(int count) {
    for (int t = 0; t < count; ++t) {
      now_ms_ += 10;
      for (uint32_t n = 0; n < kN; ++n) Deliver(n, consensus::TickEvent{now_ms_});
      Run();
    }
  }
  // Messages from or to `isolated` are lost while set.
  void Isolate(std::optional<uint32_t> isolated) { isolated_ = isolated; }

 private:
  struct Node {
    std::unique_ptr<KeySigner> signer;
    std::unique_ptr<KeyVerifier> verifier;
    std::unique_ptr<Ledger> ledger;
    std::unique_ptr<consensus::Replica> replica;
    std::vector<pb::ReplicaRecord> log;  // records since the last compaction (the driver's log_)
  };

  void OpenDisk() {
    OpenOptions options;
    options.env = &env_;
    auto opened = LevelDbLedger::Open(dir_.Sub("disk"), options);
    if (!opened.ok()) {
      ADD_FAILURE() << "disk replica's ledger does not open after power loss: " << opened.status().ToString();
      broken_ = true;
      nodes_[disk_]->ledger = std::make_unique<MemoryLedger>();  // keeps the run going
      return;
    }
    nodes_[disk_]->ledger = std::move(opened).value();
  }

  // As ConsensusDriver::Start: the replica is rebuilt from the ledger tip and the records.
  void Start(uint32_t i) {
    Node& nd = *nodes_[i];
    const uint32_t window = 4 * MakeConfig(i).watermark_window;
    consensus::RestoreState restore;
    restore.last_executed = nd.ledger->Height();
    if (restore.last_executed > 0) {
      restore.last_state_digest = nd.ledger->TipHash();
      auto tip = nd.ledger->GetBlock(restore.last_executed);
      if (tip.ok()) restore.last_executed_timestamp_ms = tip->block().header().timestamp_ms();
    }
    const uint64_t first = restore.last_executed > window ? restore.last_executed - window + 1 : 1;
    for (uint64_t h = first; h <= restore.last_executed; ++h) {
      auto block = nd.ledger->GetBlock(h);
      if (!block.ok()) continue;
      std::vector<std::string> ids;
      for (const auto& tx : block->block().txs()) ids.push_back(proto::TxId(tx));
      restore.recent_request_ids.push_back(std::move(ids));
    }
    restore.records = nd.ledger->LoadRecords();
    nd.log = restore.records;
    nd.replica =
        std::make_unique<consensus::Replica>(MakeConfig(i), *nd.signer, *nd.verifier, std::move(restore));
  }

  void ArmIncarnation() {
    if (faults_.period > 0) env_.Arm(faults_.fault, faults_.period - 1, 1);
  }

  // The disk replica's process died on a storage error: power loss, restart.
  void Restart() {
    ++restarts_;
    Node& nd = *nodes_[disk_];
    nd.replica.reset();
    nd.ledger.reset();  // closes LevelDB
    if (faults_.keep_some) {
      env_.KeepSomeUnsyncedData();
    } else {
      env_.DropUnsyncedData();
    }
    if (faults_.period == 0) env_.Disarm();  // the single fault has happened
    OpenDisk();
    Start(disk_);
    ArmIncarnation();
    // An equivocating primary tries to get a second PREPARE out of the restarted
    // replica for every (view, sequence) it prepared before.
    const auto prepared = book_.prepared;  // delivering may add to it
    for (const auto& [view, sequence] : prepared) {
      const uint32_t primary = static_cast<uint32_t>(view % kN);
      if (primary == disk_) continue;
      pb::Batch batch;
      batch.set_timestamp_ms(now_ms_);
      batch.add_requests("forged-" + std::to_string(view) + "-" + std::to_string(sequence));
      consensus::MessageAuth auth("fault-consensus", kN, primary, *nodes_[primary]->signer,
                                  *nodes_[primary]->verifier);
      pb::ConsensusMessage m;
      *m.mutable_preprepare() = auth.SignPrePrepare(view, sequence, proto::BatchDigestOf(batch));
      *m.mutable_preprepare()->mutable_batch() = batch;
      ++forged_;
      Deliver(disk_, consensus::MessageEvent{primary, m});
    }
  }

  // Steps a node with an event from outside; restarts the disk replica if it died.
  void Deliver(uint32_t i, const consensus::Event& ev) {
    if (!Step(i, ev)) Restart();
  }
  bool Step(uint32_t i, const consensus::Event& ev) { return Carry(i, nodes_[i]->replica->Step(ev)); }

  // ConsensusDriver::Carry's order. Returns false when a storage error killed the node.
  bool Carry(uint32_t i, consensus::Output out) {
    Node& nd = *nodes_[i];
    if (!out.persist.empty()) {
      if (!nd.ledger->AppendRecords(out.persist).ok()) return Died(i);
      nd.log.insert(nd.log.end(), out.persist.begin(), out.persist.end());
    }
    if (out.stable_checkpoint) {
      std::vector<pb::ReplicaRecord> keep = consensus::RetainedRecords(nd.log, *out.stable_checkpoint);
      if (keep.size() != nd.log.size()) {
        if (!nd.ledger->TruncateRecords(nd.ledger->RecordsMark(), keep).ok()) return Died(i);
        nd.log = std::move(keep);
        if (i == disk_) ++compactions_;
      }
    }
    for (const auto& m : out.messages) {
      if (i == disk_) book_.Add(m.message, disk_);
      for (uint32_t to = 0; to < kN; ++to) {
        if (to != i && (!m.to || *m.to == to)) queue_.push_back({i, to, m.message});
      }
    }
    for (const auto& e : out.evidence) {
      if (i != disk_ && e.replica() == disk_) ++evidence_against_disk_;
    }
    std::vector<consensus::Event> follow;
    for (const auto& c : out.committed) {
      if (c.sequence <= nd.ledger->Height()) continue;  // durable already (restart overlap)
      EXPECT_EQ(c.sequence, nd.ledger->Height() + 1) << "replica " << i << " committed out of order";
      pb::CertifiedBlock block;
      *block.mutable_block() = BuildBlockFromBatch(c.sequence, nd.ledger->TipHash(), c.batch,
                                                   crypto::Blake2b256("state/" + std::to_string(c.sequence)));
      *block.mutable_certificate() = c.certificate;
      const std::string hash = proto::BlockHash(block.block().header());
      const Status st = nd.ledger->Append(block, {{"executed", std::to_string(c.sequence)}});
      if (!st.ok()) {
        if (i == disk_ && st.code() == "io") return Died(i);
        ADD_FAILURE() << "replica " << i << " cannot append " << c.sequence << ": " << st.ToString();
        return true;
      }
      follow.push_back(consensus::ExecutedEvent{c.sequence, hash});
    }
    if (out.fetch) {
      // Served from the longest other ledger, as block sync would.
      uint32_t best = i;
      for (uint32_t j = 0; j < kN; ++j) {
        if (nodes_[j]->ledger->Height() > nodes_[best]->ledger->Height()) best = j;
      }
      consensus::FetchedEvent fetched;
      for (uint64_t h = out.fetch->from_sequence; h <= out.fetch->to_sequence; ++h) {
        auto b = nodes_[best]->ledger->GetBlock(h);
        if (!b.ok()) break;
        fetched.blocks.push_back(std::move(b).value());
      }
      if (best != i && !fetched.blocks.empty()) follow.emplace_back(std::move(fetched));
    }
    for (const auto& ev : follow) {
      if (!Step(i, ev)) return false;
    }
    return true;
  }

  bool Died(uint32_t i) {
    EXPECT_EQ(i, disk_) << "only the disk replica's storage fails";
    return false;
  }

  void Run() {
    for (int s = 0; s < 200000 && !queue_.empty(); ++s) {
      Envelope e = std::move(queue_.front());
      queue_.pop_front();
      if (isolated_ && (e.from == *isolated_ || e.to == *isolated_)) continue;
      Deliver(e.to, consensus::MessageEvent{e.from, std::move(e.message)});
    }
  }

  const uint32_t disk_;
  const DiskFaults faults_;
  TempDir dir_;
  FaultEnv env_;
  std::vector<crypto::KeyPair> keys_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::deque<Envelope> queue_;
  std::optional<uint32_t> isolated_;
  uint64_t now_ms_ = 1'000'000;
  SignatureBook book_;
  int restarts_ = 0;
  int compactions_ = 0;
  int forged_ = 0;
  uint64_t evidence_against_disk_ = 0;
  bool broken_ = false;
};

// The scenario: requests one by one (checkpoints every 4, so records are
// compacted), a view change away from primary 0, more requests, then quiet time.
void Scenario(Cluster& cluster) {
  int next = 0;
  for (; next < kRequests / 2; ++next) {
    cluster.Request(next);
    cluster.Tick(3);
  }
  cluster.Isolate(0);
  cluster.Request(next++);
  cluster.Tick(60);  // the others time out on primary 0 and move to view 1
  cluster.Isolate(std::nullopt);
  cluster.Tick(20);
  for (; next < kRequests; ++next) {
    cluster.Request(next);
    cluster.Tick(3);
  }
  cluster.Tick(60);
}

void CheckRun(Cluster& cluster, uint32_t disk) {
  for (const auto& c : cluster.book().conflicts()) ADD_FAILURE() << "replica " << disk << " signed two " << c;
  EXPECT_EQ(cluster.evidence_against_disk(), 0u);
  ASSERT_FALSE(cluster.broken());
  // Agreement, and every request committed by the honest replicas.
  const uint32_t honest = disk == 0 ? 1 : 0;
  for (uint32_t i = 0; i < kN; ++i) {
    if (i != disk) {
      EXPECT_GE(cluster.ledger(i).Height(), static_cast<uint64_t>(kRequests)) << "replica " << i;
    }
    const uint64_t common = std::min(cluster.ledger(i).Height(), cluster.ledger(honest).Height());
    if (common > 0) {
      auto mine = cluster.ledger(i).GetBlock(common);
      auto theirs = cluster.ledger(honest).GetBlock(common);
      ASSERT_TRUE(mine.ok() && theirs.ok());
      EXPECT_EQ(proto::BlockHash(mine->block().header()), proto::BlockHash(theirs->block().header()))
          << "replicas " << i << " and " << honest << " differ at height " << common;
    }
  }
}

const char* Name(Fault f) {
  return f == Fault::kFailWrite ? "fail-write" : f == Fault::kTornWrite ? "torn-write" : "fail-sync";
}

void RunDisk(uint32_t disk) {
  uint64_t writes = 0, syncs = 0;
  {
    Cluster dry(disk, DiskFaults{}, 1);
    const uint64_t writes_at_start = dry.env().writes(), syncs_at_start = dry.env().syncs();
    Scenario(dry);
    CheckRun(dry, disk);
    EXPECT_EQ(dry.restarts(), 0);
    // The scenario covers what it claims: a view change, stable checkpoints with
    // record compaction on the disk replica.
    const consensus::Stats stats = dry.stats(disk);
    EXPECT_GE(stats.view, 1u);
    EXPECT_GE(stats.stable_checkpoint, 8u);
    EXPECT_GE(dry.compactions(), 2);
    std::cout << "[ faults   ] fault-free run: view " << stats.view << ", stable checkpoint "
              << stats.stable_checkpoint << ", " << dry.compactions() << " compactions\n";
    writes = dry.env().writes() - writes_at_start;
    syncs = dry.env().syncs() - syncs_at_start;
  }
  std::cout << "[ faults   ] disk replica " << disk << ": " << writes << " writes, " << syncs << " syncs\n";
  EXPECT_GT(syncs, 0u);
  uint64_t seed = 100;
  int restarts = 0, forged = 0;
  auto run = [&](const DiskFaults& f) {
    SCOPED_TRACE(std::string(Name(f.fault)) +
                 (f.period > 0 ? " every " + std::to_string(f.period) : " at " + std::to_string(f.position)) +
                 (f.keep_some ? ", keep some unsynced" : ", drop unsynced"));
    Cluster cluster(disk, f, seed++);
    if (f.period == 0) cluster.env().Arm(f.fault, f.position, 1);
    Scenario(cluster);
    CheckRun(cluster, disk);
    EXPECT_GT(cluster.restarts(), 0) << "the fault never crashed the replica";
    restarts += cluster.restarts();
    forged += cluster.forged();
    if (f.period == 0) {
      // One crash: the restarted replica recovers, ends in the others' view with
      // every request committed.
      EXPECT_GE(cluster.ledger(disk).Height(), static_cast<uint64_t>(kRequests)) << "did not catch up";
      EXPECT_EQ(cluster.stats(disk).view, cluster.stats(disk == 0 ? 1 : 0).view) << "not in the others' view";
    }
  };
  // Every write position (failed and torn alternately) and every sync position,
  // with both power-loss variants alternating.
  for (uint64_t k = 0; k < writes && !::testing::Test::HasFailure(); ++k) {
    run({k % 2 == 0 ? Fault::kFailWrite : Fault::kTornWrite, k, 0, (k / 2) % 2 == 1});
  }
  for (uint64_t k = 0; k < syncs && !::testing::Test::HasFailure(); ++k) {
    run({Fault::kFailSync, k, 0, k % 2 == 1});
  }
  // A disk that fails every k-th write, all run long.
  for (uint64_t period = 2; period <= kMaxPeriod && !::testing::Test::HasFailure(); ++period) {
    run({period % 2 == 0 ? Fault::kTornWrite : Fault::kFailWrite, FaultEnv::kForever, period,
         period % 3 == 0});
  }
  std::cout << "[ faults   ] disk replica " << disk << ": " << restarts << " restarts, " << forged
            << " forged pre-prepares refused\n";
}

// Replica 0 is the primary of view 0 (it proposes, then loses its primacy) and a
// backup in view 1.
TEST(SignOnceFaults, PrimaryOfViewZeroNeverSignsTwice) { RunDisk(0); }

// Replica 1 is a backup in view 0 and the primary that starts view 1 (NEW-VIEW and
// re-issued pre-prepares).
TEST(SignOnceFaults, PrimaryOfViewOneNeverSignsTwice) { RunDisk(1); }

}  // namespace
}  // namespace cc::ledger
