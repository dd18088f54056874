// TestCluster: n real replicas (real Ed25519 keys) wired by hand with a synchronous,
// FIFO in-memory network for the replica unit tests. Not the simulation: no
// randomness, no delays; a test decides exactly which messages are delivered with a
// filter, and when time passes with Tick().
//
// The cluster drives each replica as replica.h requires: records are appended to
// the replica's durable log before its messages are queued, committed batches are
// "executed" at once (state digest = hash chain of batch digests) and reported
// back with an ExecutedEvent, fetch requests are served from the longest ledger.
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "consensus/replica.h"
#include "crypto/hash.h"
#include "crypto/keys.h"
#include "crypto/merkle.h"
#include "proto/canonical.h"

namespace cc::consensus::testing {

class KeySigner final : public Signer {
 public:
  explicit KeySigner(const crypto::KeyPair& key) : key_(key) {}
  std::string Sign(std::string_view message) override { return key_.Sign(message); }

 private:
  const crypto::KeyPair& key_;
};

class KeyVerifier final : public Verifier {
 public:
  explicit KeyVerifier(std::vector<std::string> public_keys) : keys_(std::move(public_keys)) {}
  bool Verify(uint32_t replica, std::string_view message, std::string_view signature) override {
    ++calls_;
    return replica < keys_.size() && crypto::Verify(keys_[replica], message, signature);
  }
  uint64_t calls() const { return calls_; }

 private:
  std::vector<std::string> keys_;
  uint64_t calls_ = 0;
};

inline std::vector<crypto::KeyPair> TestKeys(uint32_t n) {
  std::vector<crypto::KeyPair> keys;
  for (uint32_t i = 0; i < n; ++i) keys.push_back(crypto::KeyPair::FromSeed(std::string(32, char('a' + i))));
  return keys;
}

inline std::vector<std::string> PublicKeys(const std::vector<crypto::KeyPair>& keys) {
  std::vector<std::string> out;
  for (const auto& k : keys) out.push_back(k.public_key());
  return out;
}

// The i-th client request of a test.
inline std::string Req(int i) { return "request-" + std::to_string(i); }

inline Config TestConfig(uint32_t n = 4) {
  Config c;
  c.chain_id = "unit-test-chain";
  c.n = n;
  c.checkpoint_interval = 4;
  c.watermark_window = 16;
  c.max_inflight = 4;
  c.max_batch_requests = 1;
  c.max_batch_bytes = 1 << 20;
  c.batch_timeout_ticks = 1;
  c.view_change_timeout_ticks = 20;
  c.max_clock_skew_ms = 30000;
  return c;
}

struct Envelope {
  uint32_t from;
  uint32_t to;
  pb::ConsensusMessage message;
};

class TestCluster {
 public:
  explicit TestCluster(Config base, uint32_t n = 4) : base_(std::move(base)), keys_(TestKeys(n)) {
    base_.n = n;
    for (uint32_t i = 0; i < n; ++i) {
      nodes_.push_back(std::make_unique<Node>());
      nodes_[i]->signer = std::make_unique<KeySigner>(keys_[i]);
      nodes_[i]->verifier = std::make_unique<KeyVerifier>(PublicKeys(keys_));
      Start(i, RestoreState{});
    }
    Tick();  // every replica gets a clock reading before the first request
  }

  struct Node {
    std::unique_ptr<KeySigner> signer;
    std::unique_ptr<KeyVerifier> verifier;
    std::unique_ptr<Replica> replica;
    std::vector<pb::ReplicaRecord> records;  // durable
    std::vector<CommittedBatch> ledger;      // ledger[i] is height i + 1; durable
    std::vector<std::string> state;          // state digest after each block
    std::vector<pb::Evidence> evidence;
    std::vector<FetchRequest> fetches;
    std::vector<uint64_t> stable_reports;
    bool down = false;
  };

  uint32_t n() const { return static_cast<uint32_t>(nodes_.size()); }
  Replica& replica(uint32_t i) { return *nodes_[i]->replica; }
  Node& node(uint32_t i) { return *nodes_[i]; }
  const crypto::KeyPair& key(uint32_t i) const { return keys_[i]; }
  std::vector<Envelope>& log() { return sent_log_; }  // everything ever sent

  // Messages for which the filter returns false are lost.
  void SetFilter(std::function<bool(const Envelope&)> filter) { filter_ = std::move(filter); }
  void ClearFilter() { filter_ = nullptr; }
  void SetDown(uint32_t i, bool down) { nodes_[i]->down = down; }
  bool serve_fetches = true;
  // Discard records at each reported stable checkpoint, as replica.h allows;
  // `prune_stable_checkpoint` also drops the own checkpoint record at it (which
  // replica.h asks drivers to keep) to test the replica's fallback.
  bool prune_records = false;
  bool prune_stable_checkpoint = false;

  // Restarts replica i from its durable state (a crash loses only what was in flight).
  void Restart(uint32_t i) {
    Node& nd = *nodes_[i];
    RestoreState r;
    r.last_executed = nd.ledger.size();
    r.last_state_digest = nd.state.empty() ? "" : nd.state.back();
    r.last_executed_timestamp_ms = nd.ledger.empty() ? 0 : nd.ledger.back().batch.timestamp_ms();
    r.records = nd.records;
    for (const auto& b : nd.ledger) r.recent_request_ids.push_back(proto::TxIds(b.batch));
    Start(i, std::move(r));
  }

  void StepNode(uint32_t i, const Event& ev) {
    if (nodes_[i]->down) return;
    Carry(i, nodes_[i]->replica->Step(ev));
  }

  void Request(const std::string& request, std::optional<uint32_t> only = std::nullopt) {
    for (uint32_t i = 0; i < n(); ++i) {
      if (only && *only != i) continue;
      StepNode(i, RequestEvent{request, proto::TxId(request)});
    }
    Run();
  }

  void Tick(uint32_t count = 1) {
    for (uint32_t t = 0; t < count; ++t) {
      now_ms_ += 10;
      for (uint32_t i = 0; i < n(); ++i) StepNode(i, TickEvent{now_ms_});
      Run();
    }
  }

  // Delivers queued messages until the network is quiet.
  void Run(size_t max_steps = 200000) {
    for (size_t s = 0; s < max_steps && !queue_.empty(); ++s) {
      Envelope e = std::move(queue_.front());
      queue_.pop_front();
      if (nodes_[e.to]->down || nodes_[e.from]->down) continue;
      if (filter_ && !filter_(e)) continue;
      StepNode(e.to, MessageEvent{e.from, e.message});
    }
  }

  // Delivers one crafted message as if sent by `from`.
  Output Inject(uint32_t to, uint32_t from, const pb::ConsensusMessage& m) {
    Output out = nodes_[to]->replica->Step(MessageEvent{from, m});
    Output copy = out;
    Carry(to, std::move(out));
    return copy;
  }

  uint64_t height(uint32_t i) const { return nodes_[i]->ledger.size(); }

  // Certified blocks of node i's ledger in [from, to].
  std::vector<pb::CertifiedBlock> Blocks(uint32_t i, uint64_t from, uint64_t to) const {
    std::vector<pb::CertifiedBlock> out;
    const Node& nd = *nodes_[i];
    for (uint64_t h = from; h <= to && h <= nd.ledger.size(); ++h) {
      const CommittedBatch& cb = nd.ledger[h - 1];
      pb::CertifiedBlock b;
      pb::BlockHeader* hd = b.mutable_block()->mutable_header();
      hd->set_height(h);
      hd->set_batch_digest(cb.certificate.digest());
      hd->set_timestamp_ms(cb.batch.timestamp_ms());
      hd->set_tx_count(static_cast<uint32_t>(cb.batch.requests_size()));
      hd->set_tx_root(crypto::MerkleRoot(proto::TxIds(cb.batch)));
      for (const auto& r : cb.batch.requests()) b.mutable_block()->add_txs(r);
      *b.mutable_certificate() = cb.certificate;
      out.push_back(std::move(b));
    }
    return out;
  }

 private:
  // Keeps the latest entered_view, VIEW-CHANGE and NEW-VIEW records, the checkpoint
  // records at or above `stable` and every other record above it (replica.h).
  static void Prune(std::vector<pb::ReplicaRecord>& records, uint64_t stable, bool drop_stable_checkpoint) {
    int last_view = -1, last_vc = -1, last_nv = -1;
    for (size_t i = 0; i < records.size(); ++i) {
      if (records[i].has_entered_view()) last_view = int(i);
      if (records[i].has_sent() && records[i].sent().has_view_change()) last_vc = int(i);
      if (records[i].has_sent() && records[i].sent().has_new_view()) last_nv = int(i);
    }
    std::vector<pb::ReplicaRecord> kept;
    for (size_t i = 0; i < records.size(); ++i) {
      const pb::ReplicaRecord& r = records[i];
      bool keep = true;
      if (r.has_entered_view()) {
        keep = int(i) == last_view;
      } else if (r.has_prepared()) {
        keep = r.prepared().preprepare().sequence() > stable;
      } else if (r.has_sent()) {
        const pb::ConsensusMessage& m = r.sent();
        if (m.has_preprepare()) keep = m.preprepare().sequence() > stable;
        if (m.has_prepare()) keep = m.prepare().sequence() > stable;
        if (m.has_commit()) keep = m.commit().sequence() > stable;
        if (m.has_checkpoint()) {
          keep = m.checkpoint().sequence() > stable ||
                 (m.checkpoint().sequence() == stable && !drop_stable_checkpoint);
        }
        if (m.has_view_change()) keep = int(i) == last_vc;
        if (m.has_new_view()) keep = int(i) == last_nv;
      }
      if (keep) kept.push_back(r);
    }
    records = std::move(kept);
  }

  void Start(uint32_t i, RestoreState restore) {
    Config c = base_;
    c.self = i;
    nodes_[i]->replica =
        std::make_unique<Replica>(c, *nodes_[i]->signer, *nodes_[i]->verifier, std::move(restore));
  }

  void Carry(uint32_t i, Output out) {
    Node& nd = *nodes_[i];
    for (auto& r : out.persist) nd.records.push_back(std::move(r));
    for (auto& m : out.messages) {
      for (uint32_t to = 0; to < n(); ++to) {
        if (to == i || (m.to && *m.to != to)) continue;
        Envelope e{i, to, m.message};
        sent_log_.push_back(e);
        queue_.push_back(std::move(e));
      }
    }
    for (auto& ev : out.evidence) nd.evidence.push_back(std::move(ev));
    if (out.stable_checkpoint) {
      nd.stable_reports.push_back(*out.stable_checkpoint);
      if (prune_records) Prune(nd.records, *out.stable_checkpoint, prune_stable_checkpoint);
    }
    std::vector<Event> follow;
    for (auto& cb : out.committed) {
      std::string prev = nd.state.empty() ? "" : nd.state.back();
      nd.state.push_back(crypto::Blake2b256(prev + cb.certificate.digest()));
      follow.push_back(ExecutedEvent{cb.sequence, nd.state.back()});
      nd.ledger.push_back(std::move(cb));
    }
    if (out.fetch) {
      nd.fetches.push_back(*out.fetch);
      if (serve_fetches) {
        uint32_t best = i;
        for (uint32_t j = 0; j < n(); ++j) {
          if (!nodes_[j]->down && nodes_[j]->ledger.size() > nodes_[best]->ledger.size()) best = j;
        }
        if (best != i)
          follow.push_back(FetchedEvent{Blocks(best, out.fetch->from_sequence, out.fetch->to_sequence)});
      }
    }
    for (auto& ev : follow) StepNode(i, ev);
  }

  Config base_;
  std::vector<crypto::KeyPair> keys_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::deque<Envelope> queue_;
  std::vector<Envelope> sent_log_;
  std::function<bool(const Envelope&)> filter_;
  uint64_t now_ms_ = 1'000'000;
};

}  // namespace cc::consensus::testing
