#include "tests/consensus/sim/byzantine.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <vector>

#include "crypto/hash.h"
#include "proto/canonical.h"
#include "tests/consensus/sim/sim_crypto.h"

namespace cc::sim {

namespace {

std::vector<uint32_t> Others(const ByzantineContext& ctx) {
  std::vector<uint32_t> out;
  for (uint32_t i = 0; i < ctx.n; ++i) {
    if (i != ctx.self) out.push_back(i);
  }
  return out;
}

template <typename Vote>
void FillVote(Vote* vote, const VoteInfo& v, uint32_t self) {
  vote->set_view(v.view);
  vote->set_sequence(v.sequence);
  vote->set_digest(v.digest);
  vote->set_replica(self);
}

// ---------------------------------------------------------------- equivocation

class EquivocatingPrimary final : public ByzantineBehaviour {
 public:
  EquivocatingPrimary(bool collude, EquivocationSplit split) : collude_(collude), fixed_(std::move(split)) {}
  const char* name() const override { return collude_ ? "equivocating+colluding" : "equivocating"; }
  bool equivocated() const override { return equivocated_; }

  void OnSend(ByzantineContext& ctx, const consensus::Outbound& out) override {
    const auto& m = out.message;
    if (collude_ && m.has_view_change() && m.view_change().prepared_size() > 0) {
      // Lie in view changes: claim nothing prepared, so a new view may drop a batch
      // that a broken quorum already committed somewhere.
      pb::ConsensusMessage lie = m;
      lie.mutable_view_change()->clear_prepared();
      ReSign(*ctx.chain_id, *ctx.key, &lie);
      ctx.send(out.to, lie);
      return;
    }
    if (!m.has_preprepare() || !m.preprepare().has_batch() || m.preprepare().replica() != ctx.self) {
      ctx.send(out.to, m);
      return;
    }
    const auto key = std::make_pair(m.preprepare().view(), m.preprepare().sequence());
    auto it = splits_.find(key);
    if (it == splits_.end()) it = splits_.emplace(key, Split(ctx, m, fixed_)).first;
    const Plan& plan = it->second;
    std::vector<uint32_t> targets = out.to ? std::vector<uint32_t>{*out.to} : Others(ctx);
    for (uint32_t t : targets) {
      if (t == plan.witness) {
        // The witness sees both versions: provable equivocation.
        ctx.send(t, m);
        ctx.send(t, plan.alt);
        equivocated_ = true;
      } else {
        ctx.send(t, plan.alt_group.count(t) > 0 ? plan.alt : m);
      }
    }
  }

  bool OnReceive(ByzantineContext& ctx, const consensus::Event& event) override {
    if (!collude_) return true;
    const auto* msg = std::get_if<consensus::MessageEvent>(&event);
    if (msg == nullptr) return true;
    VoteInfo v;
    if (!DescribeVote(msg->message, &v) || v.replica == ctx.self) return true;
    // Vote for every digest anyone votes for, to help a broken quorum commit two.
    if (!voted_.insert({v.view, v.sequence, v.digest}).second) return true;
    pb::ConsensusMessage prepare;
    pb::ConsensusMessage commit;
    FillVote(prepare.mutable_prepare(), v, ctx.self);
    FillVote(commit.mutable_commit(), v, ctx.self);
    for (auto* vote : {&prepare, &commit}) {
      ReSign(*ctx.chain_id, *ctx.key, vote);
      ctx.send(std::nullopt, *vote);
    }
    return true;
  }

 private:
  struct Plan {
    pb::ConsensusMessage alt;
    std::set<uint32_t> alt_group;
    uint32_t witness = 0;
  };

  static Plan Split(ByzantineContext& ctx, const pb::ConsensusMessage& m, const EquivocationSplit& fixed) {
    Plan plan;
    plan.alt = m;
    auto* pp = plan.alt.mutable_preprepare();
    pb::Batch* batch = pp->mutable_batch();
    batch->set_timestamp_ms(batch->timestamp_ms() + 1);
    if (batch->requests_size() >= 2) {
      if (ctx.rng->Chance(0.5)) {
        std::reverse(batch->mutable_requests()->begin(), batch->mutable_requests()->end());
      } else {
        batch->mutable_requests()->RemoveLast();
      }
    }
    pp->set_digest(proto::BatchDigestOf(*batch));
    ReSign(*ctx.chain_id, *ctx.key, &plan.alt);
    std::vector<uint32_t> others = Others(ctx);
    ctx.rng->Shuffle(others);
    const size_t cut = ctx.rng->Uniform(1, others.size() - 1);  // both groups non-empty
    plan.alt_group.insert(others.begin() + cut, others.end());
    std::vector<uint32_t> honest;
    for (uint32_t r : others) {
      if (!(*ctx.byzantine)[r]) honest.push_back(r);
    }
    plan.witness = honest[ctx.rng->Uniform(0, honest.size() - 1)];
    if (!fixed.alt_group.empty()) plan.alt_group = fixed.alt_group;
    if (fixed.witness >= 0) plan.witness = static_cast<uint32_t>(fixed.witness);
    return plan;
  }

  bool collude_;
  EquivocationSplit fixed_;
  bool equivocated_ = false;
  std::map<std::pair<uint64_t, uint64_t>, Plan> splits_;
  std::set<std::tuple<uint64_t, uint64_t, std::string>> voted_;
};

// ---------------------------------------------------------------- wrong digests

class WrongDigestVoter final : public ByzantineBehaviour {
 public:
  explicit WrongDigestVoter(double rate) : rate_(rate) {}
  const char* name() const override { return "wrong-digest-voter"; }
  bool equivocated() const override { return equivocated_; }

  void OnSend(ByzantineContext& ctx, const consensus::Outbound& out) override {
    const auto& m = out.message;
    const bool vote = m.has_prepare() || m.has_commit() || m.has_checkpoint();
    if (!vote || !ctx.rng->Chance(rate_)) {
      ctx.send(out.to, m);
      return;
    }
    if (!out.to && ctx.rng->Chance(0.5)) {
      // A different story per recipient: some get the right digest, some wrong ones.
      for (uint32_t t : Others(ctx)) {
        ctx.send(t, ctx.rng->Chance(0.3) ? m : Corrupt(ctx, m));
      }
      equivocated_ = true;
      return;
    }
    ctx.send(out.to, Corrupt(ctx, m));
  }

 private:
  static pb::ConsensusMessage Corrupt(ByzantineContext& ctx, const pb::ConsensusMessage& m) {
    pb::ConsensusMessage bad = m;
    const std::string junk = crypto::Blake2b256("wrong-digest" + std::to_string(ctx.rng->Next()));
    if (bad.has_prepare()) bad.mutable_prepare()->set_digest(junk);
    if (bad.has_commit()) bad.mutable_commit()->set_digest(junk);
    if (bad.has_checkpoint()) bad.mutable_checkpoint()->set_state_digest(junk);
    ReSign(*ctx.chain_id, *ctx.key, &bad);
    return bad;
  }

  double rate_;
  bool equivocated_ = false;
};

// ---------------------------------------------------------------- replay

class Replayer final : public ByzantineBehaviour {
 public:
  explicit Replayer(double rate) : rate_(rate) {}
  const char* name() const override { return "replayer"; }

  void OnSend(ByzantineContext& ctx, const consensus::Outbound& out) override {
    Remember(ctx, out.message);
    ctx.send(out.to, out.message);
  }
  bool OnReceive(ByzantineContext& ctx, const consensus::Event& event) override {
    if (const auto* msg = std::get_if<consensus::MessageEvent>(&event)) Remember(ctx, msg->message);
    return true;
  }
  void OnTick(ByzantineContext& ctx) override {
    if (seen_.empty() || !ctx.rng->Chance(rate_)) return;
    const uint64_t count = ctx.rng->Uniform(1, 3);
    for (uint64_t i = 0; i < count; ++i) {
      const auto& m = seen_[ctx.rng->Uniform(0, seen_.size() - 1)];
      if (ctx.rng->Chance(0.3)) {
        ctx.send(std::nullopt, m);
      } else {
        uint32_t to = static_cast<uint32_t>(ctx.rng->Uniform(0, ctx.n - 2));
        if (to >= ctx.self) ++to;
        ctx.send(to, m);
      }
    }
  }

 private:
  static constexpr size_t kMemory = 256;
  void Remember(ByzantineContext& ctx, const pb::ConsensusMessage& m) {
    if (seen_.size() < kMemory) {
      seen_.push_back(m);
    } else {
      seen_[ctx.rng->Uniform(0, kMemory - 1)] = m;  // keep a random sample of history
    }
  }

  double rate_;
  std::vector<pb::ConsensusMessage> seen_;
};

// ---------------------------------------------------------------- silence, withholding

class Silent final : public ByzantineBehaviour {
 public:
  const char* name() const override { return "silent"; }
  void OnSend(ByzantineContext&, const consensus::Outbound&) override {}
};

class WithholdingPrimary final : public ByzantineBehaviour {
 public:
  explicit WithholdingPrimary(std::set<std::string> withheld) : withheld_(std::move(withheld)) {}
  const char* name() const override { return "withholding-primary"; }

  bool OnReceive(ByzantineContext&, const consensus::Event& event) override {
    if (const auto* req = std::get_if<consensus::RequestEvent>(&event)) {
      return withheld_.count(req->id) == 0;
    }
    if (const auto* msg = std::get_if<consensus::MessageEvent>(&event)) {
      if (msg->message.has_request()) {
        return withheld_.count(proto::TxId(msg->message.request().request())) == 0;
      }
    }
    return true;
  }

 private:
  std::set<std::string> withheld_;
};

}  // namespace

std::unique_ptr<ByzantineBehaviour> MakeEquivocatingPrimary(bool collude, EquivocationSplit split) {
  return std::make_unique<EquivocatingPrimary>(collude, std::move(split));
}
std::unique_ptr<ByzantineBehaviour> MakeWrongDigestVoter(double rate) {
  return std::make_unique<WrongDigestVoter>(rate);
}
std::unique_ptr<ByzantineBehaviour> MakeReplayer(double rate) { return std::make_unique<Replayer>(rate); }
std::unique_ptr<ByzantineBehaviour> MakeSilent() { return std::make_unique<Silent>(); }
std::unique_ptr<ByzantineBehaviour> MakeWithholdingPrimary(std::set<std::string> withheld) {
  return std::make_unique<WithholdingPrimary>(std::move(withheld));
}

}  // namespace cc::sim
