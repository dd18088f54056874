// Consensus messages after decryption: what a validator's link delivers once the
// transport has authenticated the sender. The node (node/node_peers.cc
// Node::OnFrame) parses the frame as a pb::PeerFrame and hands a consensus message
// to its replica as a MessageEvent from the link's validator index; nothing else
// is checked before the replica (consensus/replica.h), which must check everything.
//
// The harness runs four real replicas: 0, 1 and 2 are honest and wired by a
// synchronous in-memory network (as tests/consensus/unit/test_cluster.h does:
// records kept before messages leave, committed batches executed and reported,
// fetches served from the longest honest ledger); replica 3 is Byzantine and
// belongs to the fuzzer. Every validator signs with a keyed BLAKE2b of its own
// secret (fast, and unforgeable by the fuzzer like Ed25519); replica 3's key is
// the fuzzer's, so the verifier accepts anything "signed" by 3, including votes of
// 3 nested in certificates. The fuzzer cannot forge an honest replica's signature
// nor the transport's `from` (always 3 for what it sends), exactly the power of a
// Byzantine validator.
//
// The input is a script of operations (see Op): client requests, ticks, delivering
// or dropping queued messages, raw PeerFrames from replica 3, messages from the
// log of everything sent so far replayed by their sender or edited (any scalar
// field of the message, found by reflection, so message kinds added later are
// covered too) and re-sent by replica 3, partitions, restarts from the records,
// and forged block-sync answers. After every operation the safety invariants hold:
// no two honest replicas commit different batches at one sequence, and every
// committed batch carries a certificate with 2f+1 valid commit signatures for its
// digest.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "consensus/replica.h"
#include "crypto/hash.h"
#include "crypto/merkle.h"
#include "fuzz/fuzz_input.h"
#include "proto/canonical.h"

namespace cc::fuzz {
namespace {

constexpr uint32_t kN = 4;
constexpr uint32_t kByzantine = 3;
constexpr uint32_t kHonest = 3;  // replicas 0..2
constexpr const char* kChain = "consensus-fuzz";
constexpr size_t kMaxOps = 128;
constexpr size_t kMaxLog = 2048;
constexpr size_t kMaxStepsPerRun = 2000;

// Computed once: every signature check needs its signer's secret.
const std::string& SecretOf(uint32_t replica) {
  static const std::vector<std::string> secrets = [] {
    std::vector<std::string> out;
    for (uint32_t i = 0; i < kN; ++i)
      out.push_back(crypto::Blake2b256("consensus-fuzz/secret/" + std::to_string(i)));
    return out;
  }();
  return secrets.at(replica);
}

class MacSigner final : public consensus::Signer {
 public:
  explicit MacSigner(uint32_t replica) : secret_(SecretOf(replica)) {}
  std::string Sign(std::string_view message) override { return crypto::KeyedBlake2b256(secret_, message); }

 private:
  std::string secret_;
};

class MacVerifier final : public consensus::Verifier {
 public:
  bool Verify(uint32_t replica, std::string_view message, std::string_view signature) override {
    if (replica >= kN) return false;
    if (replica == kByzantine) return true;  // the fuzzer holds this key
    return signature == crypto::KeyedBlake2b256(SecretOf(replica), message);
  }
};

// One message to one replica. A broadcast's envelopes share the message: copying a
// message per recipient, into the queue and the log, cost more than the replicas.
struct Envelope {
  uint32_t from = 0;
  uint32_t to = 0;
  std::shared_ptr<const pb::ConsensusMessage> message;
};

enum Op : uint8_t {
  kRequest,
  kTick,
  kDeliver,
  kDrop,
  kInjectFrame,
  kInjectEdited,
  kReplay,
  kRestart,
  kForgedFetch,
  kIsolate,
  kOpCount,
};

class Cluster {
 public:
  explicit Cluster(bool byzantine_relays) : relay_byzantine_(byzantine_relays) {
    for (uint32_t i = 0; i < kN; ++i) {
      nodes_.push_back(std::make_unique<Node>(i));
      Start(i, {});
    }
  }

  void Request(const std::string& request) {
    for (uint32_t i = 0; i < kN; ++i) StepNode(i, consensus::RequestEvent{request, proto::TxId(request)});
    Run();
  }

  void Tick(uint32_t count) {
    for (uint32_t t = 0; t < count; ++t) {
      now_ms_ += 10;
      for (uint32_t i = 0; i < kN; ++i) StepNode(i, consensus::TickEvent{now_ms_});
      Run();
    }
  }

  void Deliver(size_t count) {
    for (size_t s = 0; s < count && !queue_.empty(); ++s) DeliverFront();
  }
  void Drop() {
    if (!queue_.empty()) queue_.pop_front();
  }
  void Run() {
    for (size_t s = 0; s < kMaxStepsPerRun && !queue_.empty(); ++s) DeliverFront();
  }

  // A message "from" replica 3 to honest replica `to` (kHonest: to all of them).
  void FromByzantine(uint32_t to, const pb::ConsensusMessage& m) {
    const auto shared = std::make_shared<const pb::ConsensusMessage>(m);
    for (uint32_t i = 0; i < kHonest; ++i) {
      if (to < kHonest && i != to) continue;
      Remember(Envelope{kByzantine, i, shared});
      if (!isolated_.count(i)) StepNode(i, consensus::MessageEvent{kByzantine, m});
    }
    Run();
  }

  void Replay(size_t index, uint32_t to) {
    if (log_.empty()) return;
    const Envelope e = log_[index % log_.size()];
    if (to == e.from) return;
    StepNode(to, consensus::MessageEvent{e.from, *e.message});
    Run();
  }

  const std::deque<Envelope>& log() const { return log_; }
  uint64_t steps() const { return steps_; }
  // Honest replicas' committed heights, for CC_FUZZ_VERBOSE.
  std::string Heights() const {
    std::string out;
    for (uint32_t i = 0; i < kN; ++i) out += (i ? "," : "") + std::to_string(nodes_[i]->ledger.size());
    return out;
  }

  void Restart(uint32_t i) {
    Node& nd = *nodes_[i];
    consensus::RestoreState r;
    r.last_executed = nd.ledger.size();
    r.last_state_digest = nd.state.empty() ? "" : nd.state.back();
    r.last_executed_timestamp_ms = nd.ledger.empty() ? 0 : nd.ledger.back().batch.timestamp_ms();
    r.records = nd.records;
    for (const auto& b : nd.ledger) r.recent_request_ids.push_back(proto::TxIds(b.batch));
    Start(i, std::move(r));
  }

  void Isolate(uint32_t i) {
    if (!isolated_.insert(i).second) isolated_.erase(i);
  }

  // Certified blocks [from, to] of replica `source`'s ledger, as block sync would
  // return them.
  std::vector<pb::CertifiedBlock> Blocks(uint32_t source, uint64_t from, uint64_t to) const {
    std::vector<pb::CertifiedBlock> out;
    const Node& nd = *nodes_[source];
    for (uint64_t h = std::max<uint64_t>(from, 1); h <= to && h <= nd.ledger.size(); ++h) {
      const consensus::CommittedBatch& cb = nd.ledger[h - 1];
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
  void Fetched(uint32_t i, std::vector<pb::CertifiedBlock> blocks) {
    StepNode(i, consensus::FetchedEvent{std::move(blocks)});
    Run();
  }

  // The invariants, checked after every operation.
  void CheckSafety() {
    MacVerifier verifier;
    for (uint32_t i = 0; i < kHonest; ++i) {
      const Node& nd = *nodes_[i];
      for (size_t h = nd.checked; h < nd.ledger.size(); ++h) {
        const consensus::CommittedBatch& cb = nd.ledger[h];
        FUZZ_CHECK(cb.sequence == h + 1);
        FUZZ_CHECK(cb.certificate.sequence() == cb.sequence);
        FUZZ_CHECK(proto::BatchDigestOf(cb.batch) == cb.certificate.digest());
        std::set<uint32_t> signers;
        for (const auto& sig : cb.certificate.signatures()) {
          if (verifier.Verify(sig.validator(),
                              proto::CommitSigningBytes(kChain, cb.certificate.view(), cb.sequence,
                                                        cb.certificate.digest(), sig.validator()),
                              sig.signature())) {
            signers.insert(sig.validator());
          }
        }
        FUZZ_CHECK(signers.size() >= 3);
        auto [it, fresh] = committed_.emplace(cb.sequence, cb.certificate.digest());
        FUZZ_CHECK(fresh || it->second == cb.certificate.digest());
      }
      nodes_[i]->checked = nd.ledger.size();
    }
  }

 private:
  struct Node {
    explicit Node(uint32_t i) : signer(i) {}
    MacSigner signer;
    MacVerifier verifier;
    std::unique_ptr<consensus::Replica> replica;
    std::vector<pb::ReplicaRecord> records;
    std::vector<consensus::CommittedBatch> ledger;
    std::vector<std::string> state;
    size_t checked = 0;
  };

  void Start(uint32_t i, consensus::RestoreState restore) {
    consensus::Config c;
    c.chain_id = kChain;
    c.n = kN;
    c.self = i;
    c.checkpoint_interval = 4;
    c.watermark_window = 16;
    c.max_inflight = 4;
    c.max_batch_requests = 2;
    c.max_batch_bytes = 1 << 16;
    c.batch_timeout_ticks = 1;
    c.view_change_timeout_ticks = 4;
    c.max_clock_skew_ms = 30000;
    Node& nd = *nodes_[i];
    nd.replica = std::make_unique<consensus::Replica>(c, nd.signer, nd.verifier, std::move(restore));
  }

  void Remember(Envelope e) {
    if (log_.size() >= kMaxLog) log_.pop_front();
    log_.push_back(std::move(e));
  }

  void DeliverFront() {
    Envelope e = std::move(queue_.front());
    queue_.pop_front();
    if (isolated_.count(e.to) || isolated_.count(e.from)) return;
    StepNode(e.to, consensus::MessageEvent{e.from, *e.message});
  }

  void StepNode(uint32_t i, const consensus::Event& ev) {
    ++steps_;
    Carry(i, nodes_[i]->replica->Step(ev));
  }

  void Carry(uint32_t i, consensus::Output out) {
    Node& nd = *nodes_[i];
    for (auto& r : out.persist) nd.records.push_back(std::move(r));
    for (auto& m : out.messages) {
      const auto shared = std::make_shared<const pb::ConsensusMessage>(std::move(m.message));
      for (uint32_t to = 0; to < kN; ++to) {
        if (to == i || (m.to && *m.to != to)) continue;
        Envelope e{i, to, shared};
        Remember(e);
        // Replica 3's own replica speaks only when the fuzzer lets it relay.
        if (i == kByzantine && !relay_byzantine_) continue;
        if (queue_.size() < kMaxLog) queue_.push_back(std::move(e));
      }
    }
    std::vector<consensus::Event> follow;
    for (auto& cb : out.committed) {
      // Replica 3 is not checked: it may be fed anything and commit anything.
      if (i != kByzantine) FUZZ_CHECK(cb.sequence == nd.ledger.size() + 1);
      if (cb.sequence != nd.ledger.size() + 1) continue;
      const std::string prev = nd.state.empty() ? "" : nd.state.back();
      nd.state.push_back(crypto::Blake2b256(prev + cb.certificate.digest()));
      follow.push_back(consensus::ExecutedEvent{cb.sequence, nd.state.back()});
      nd.ledger.push_back(std::move(cb));
    }
    if (out.fetch) {
      uint32_t best = i;
      for (uint32_t j = 0; j < kHonest; ++j) {
        if (nodes_[j]->ledger.size() > nodes_[best]->ledger.size()) best = j;
      }
      if (best != i)
        follow.push_back(
            consensus::FetchedEvent{Blocks(best, out.fetch->from_sequence, out.fetch->to_sequence)});
    }
    for (auto& ev : follow) StepNode(i, ev);
  }

  bool relay_byzantine_;
  std::vector<std::unique_ptr<Node>> nodes_;
  std::deque<Envelope> queue_;
  std::deque<Envelope> log_;
  std::set<uint32_t> isolated_;
  std::map<uint64_t, std::string> committed_;  // sequence -> digest, over honest replicas
  uint64_t now_ms_ = 1'000'000;
  uint64_t steps_ = 0;
};

// ---- edits by reflection

struct FieldRef {
  google::protobuf::Message* message;
  const google::protobuf::FieldDescriptor* field;
  int index;  // -1: singular
};

void CollectFields(google::protobuf::Message* m, std::vector<FieldRef>& out) {
  const google::protobuf::Descriptor* d = m->GetDescriptor();
  const google::protobuf::Reflection* r = m->GetReflection();
  for (int f = 0; f < d->field_count(); ++f) {
    const google::protobuf::FieldDescriptor* fd = d->field(f);
    const bool is_message = fd->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE;
    if (fd->is_repeated()) {
      for (int i = 0; i < r->FieldSize(*m, fd); ++i) {
        if (is_message) {
          CollectFields(r->MutableRepeatedMessage(m, fd, i), out);
        } else {
          out.push_back({m, fd, i});
        }
      }
    } else if (is_message) {
      if (r->HasField(*m, fd)) CollectFields(r->MutableMessage(m, fd), out);
    } else if (fd->containing_oneof() == nullptr || r->HasField(*m, fd)) {
      out.push_back({m, fd, -1});
    }
  }
}

template <typename T>
T Nudge(T v, FuzzInput& in) {
  switch (in.U8() % 4) {
    case 0:
      return static_cast<T>(v + 1);
    case 1:
      return static_cast<T>(v - 1);
    case 2:
      return static_cast<T>(v + in.U8());
    default:
      return static_cast<T>(in.U64());
  }
}

void EditField(const FieldRef& ref, FuzzInput& in) {
  using FD = google::protobuf::FieldDescriptor;
  google::protobuf::Message* m = ref.message;
  const google::protobuf::Reflection* r = m->GetReflection();
  const FD* fd = ref.field;
  const bool rep = ref.index >= 0;
  switch (fd->cpp_type()) {
    case FD::CPPTYPE_UINT64: {
      const uint64_t v = Nudge(rep ? r->GetRepeatedUInt64(*m, fd, ref.index) : r->GetUInt64(*m, fd), in);
      rep ? r->SetRepeatedUInt64(m, fd, ref.index, v) : r->SetUInt64(m, fd, v);
      break;
    }
    case FD::CPPTYPE_UINT32: {
      const uint32_t v = Nudge(rep ? r->GetRepeatedUInt32(*m, fd, ref.index) : r->GetUInt32(*m, fd), in);
      rep ? r->SetRepeatedUInt32(m, fd, ref.index, v) : r->SetUInt32(m, fd, v);
      break;
    }
    case FD::CPPTYPE_INT64: {
      const int64_t v = Nudge(rep ? r->GetRepeatedInt64(*m, fd, ref.index) : r->GetInt64(*m, fd), in);
      rep ? r->SetRepeatedInt64(m, fd, ref.index, v) : r->SetInt64(m, fd, v);
      break;
    }
    case FD::CPPTYPE_INT32: {
      const int32_t v = Nudge(rep ? r->GetRepeatedInt32(*m, fd, ref.index) : r->GetInt32(*m, fd), in);
      rep ? r->SetRepeatedInt32(m, fd, ref.index, v) : r->SetInt32(m, fd, v);
      break;
    }
    case FD::CPPTYPE_BOOL:
      rep ? r->SetRepeatedBool(m, fd, ref.index, in.Bool()) : r->SetBool(m, fd, in.Bool());
      break;
    case FD::CPPTYPE_ENUM:
      rep ? r->SetRepeatedEnumValue(m, fd, ref.index, in.U8()) : r->SetEnumValue(m, fd, in.U8());
      break;
    case FD::CPPTYPE_STRING: {
      std::string v = rep ? r->GetRepeatedString(*m, fd, ref.index) : r->GetString(*m, fd);
      switch (in.U8() % 3) {
        case 0:  // flip one byte
          if (!v.empty()) v[in.U16() % v.size()] ^= static_cast<char>(in.U8() | 1);
          break;
        case 1:
          v = in.Bytes();
          break;
        default:
          v.clear();
          break;
      }
      rep ? r->SetRepeatedString(m, fd, ref.index, v) : r->SetString(m, fd, v);
      break;
    }
    default:
      break;
  }
}

// Sets the `replica` field of the message's kind (the signer it claims) to 3.
void ClaimByzantine(pb::ConsensusMessage& m) {
  std::vector<FieldRef> fields;
  const google::protobuf::Reflection* r = m.GetReflection();
  const google::protobuf::Descriptor* d = m.GetDescriptor();
  for (int f = 0; f < d->field_count(); ++f) {
    const auto* fd = d->field(f);
    if (fd->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE || !r->HasField(m, fd)) continue;
    google::protobuf::Message* kind = r->MutableMessage(&m, fd);
    const auto* replica = kind->GetDescriptor()->FindFieldByName("replica");
    if (replica != nullptr && replica->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_UINT32 &&
        !replica->is_repeated()) {
      kind->GetReflection()->SetUInt32(kind, replica, kByzantine);
    }
  }
}

void RunScript(FuzzInput& in) {
  Cluster cluster(in.Bool());
  for (size_t step = 0; step < kMaxOps && !in.empty(); ++step) {
    switch (static_cast<Op>(in.U8() % kOpCount)) {
      case kRequest: {
        std::string request = in.Bytes();
        if (request.empty()) request = "request-" + std::to_string(step);
        cluster.Request(request);
        break;
      }
      case kTick:
        cluster.Tick(1 + in.U8() % 8);
        break;
      case kDeliver:
        cluster.Deliver(1 + in.U8());
        break;
      case kDrop:
        cluster.Drop();
        break;
      case kInjectFrame: {
        const uint32_t to = in.U8() % (kHonest + 1);
        pb::PeerFrame frame;
        if (frame.ParseFromString(in.Bytes()) && frame.has_consensus())
          cluster.FromByzantine(to, frame.consensus());
        break;
      }
      case kInjectEdited: {
        if (cluster.log().empty()) break;
        pb::ConsensusMessage m = *cluster.log()[in.U16() % cluster.log().size()].message;
        const uint32_t to = in.U8() % (kHonest + 1);
        const uint8_t how = in.U8();
        if (how & 1) ClaimByzantine(m);
        for (uint32_t e = 0; e < (how >> 1) % 4; ++e) {
          std::vector<FieldRef> fields;
          CollectFields(&m, fields);
          if (fields.empty()) break;
          EditField(fields[in.U16() % fields.size()], in);
        }
        cluster.FromByzantine(to, m);
        break;
      }
      case kReplay: {
        const size_t index = in.U16();
        cluster.Replay(index, in.U8() % kHonest);
        break;
      }
      case kRestart:
        cluster.Restart(in.U8() % kHonest);
        break;
      case kForgedFetch: {
        const uint32_t to = in.U8() % kHonest;
        const uint32_t source = in.U8() % kN;
        const uint64_t from = in.U8();
        std::vector<pb::CertifiedBlock> blocks = cluster.Blocks(source, from, from + in.U8() % 8);
        pb::BlockSyncResponse response;
        for (auto& b : blocks) *response.add_blocks() = std::move(b);
        for (uint32_t e = 0; e < in.U8() % 4; ++e) {
          std::vector<FieldRef> fields;
          CollectFields(&response, fields);
          if (fields.empty()) break;
          EditField(fields[in.U16() % fields.size()], in);
        }
        cluster.Fetched(to, {response.blocks().begin(), response.blocks().end()});
        break;
      }
      case kIsolate:
        cluster.Isolate(in.U8() % kN);
        break;
      case kOpCount:
        break;
    }
    cluster.CheckSafety();
  }
  static const bool verbose = std::getenv("CC_FUZZ_VERBOSE") != nullptr;
  if (verbose) {
    std::fprintf(stderr, "replica steps %lu, messages %zu, heights %s\n",
                 static_cast<unsigned long>(cluster.steps()), cluster.log().size(),
                 cluster.Heights().c_str());
  }
}

// ---- seeds

class Script {
 public:
  Script& Op(uint8_t op) {
    w_.U8(op);
    return *this;
  }
  FuzzWriter& w() { return w_; }
  std::string Take() { return w_.Take(); }

 private:
  FuzzWriter w_;
};

std::string Frame(const pb::ConsensusMessage& m) {
  pb::PeerFrame f;
  *f.mutable_consensus() = m;
  return f.SerializeAsString();
}

}  // namespace

std::vector<Seed> FuzzSeeds() {
  std::vector<Seed> seeds;
  {  // Normal case: requests commit with replica 3 relaying honestly.
    FuzzWriter w;
    w.Bool(true);
    for (int i = 0; i < 6; ++i) w.U8(kRequest).Bytes("tx-" + std::to_string(i)).U8(kTick).U8(2);
    seeds.emplace_back("normal_case", w.Take());
  }
  {  // Silent replica 3, a view change forced by isolating the primary.
    FuzzWriter w;
    w.Bool(false);
    w.U8(kRequest).Bytes("tx-a").U8(kTick).U8(3).U8(kIsolate).U8(0).U8(kRequest).Bytes("tx-b");
    for (int i = 0; i < 6; ++i) w.U8(kTick).U8(15);
    w.U8(kIsolate).U8(0).U8(kTick).U8(15).U8(kRequest).Bytes("tx-c").U8(kTick).U8(4);
    seeds.emplace_back("view_change", w.Take());
  }
  {  // Edited re-sends of logged messages, replays and a restart.
    FuzzWriter w;
    w.Bool(true);
    w.U8(kRequest).Bytes("tx-1").U8(kTick).U8(2);
    for (uint16_t k = 0; k < 12; ++k) {
      w.U8(kInjectEdited)
          .U16(static_cast<uint16_t>(k * 3))
          .U8(kHonest)
          .U8(static_cast<uint8_t>(1 | (2 << 1)));
      w.U16(static_cast<uint16_t>(k)).U8(0).U16(static_cast<uint16_t>(k + 1)).U8(2).U8(5);
      w.U8(kReplay).U16(static_cast<uint16_t>(k * 5)).U8(static_cast<uint8_t>(k % 3));
    }
    w.U8(kRestart).U8(1).U8(kRequest).Bytes("tx-2").U8(kTick).U8(5);
    seeds.emplace_back("edited_and_replayed", w.Take());
  }
  {  // A primary's equivocation sent as raw frames, then forged block-sync answers.
    pb::ConsensusMessage pp;
    pp.mutable_preprepare()->set_view(3);
    pp.mutable_preprepare()->set_sequence(1);
    pp.mutable_preprepare()->mutable_batch()->set_timestamp_ms(1'000'100);
    pp.mutable_preprepare()->mutable_batch()->add_requests("forged");
    pp.mutable_preprepare()->set_digest(proto::BatchDigestOf(pp.preprepare().batch()));
    pp.mutable_preprepare()->set_replica(kByzantine);
    pb::ConsensusMessage vc;
    vc.mutable_view_change()->set_new_view(3);
    vc.mutable_view_change()->set_replica(kByzantine);
    FuzzWriter w;
    w.Bool(false);
    w.U8(kRequest).Bytes("tx-x").U8(kTick).U8(2);
    w.U8(kInjectFrame).U8(kHonest).Bytes(Frame(vc));
    w.U8(kInjectFrame).U8(0).Bytes(Frame(pp));
    w.U8(kForgedFetch).U8(1).U8(0).U8(1).U8(3).U8(1).U16(2).U8(0);
    w.U8(kTick).U8(10);
    seeds.emplace_back("raw_frames_and_forged_fetch", w.Take());
  }
  return seeds;
}

}  // namespace cc::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);  // invalid UTF-8 in string fields is expected here
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cc::fuzz::FuzzInput in(data, size);
  cc::fuzz::RunScript(in);
  return 0;
}
