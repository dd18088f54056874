// Byzantine behaviours for simulated validators.
//
// A Byzantine validator still runs a real Replica; its behaviour sits between that
// state machine and the network: it sees each message the replica wants to send
// (and decides what actually leaves, possibly crafted and re-signed with the
// validator's own key), may hide inbound events from the replica, and may act on
// every tick. It can never forge another validator's signature or the transport's
// `from` (messages it sends always come from its own index).
//
// Behaviours:
//   EquivocatingPrimary  as primary, sends one batch to some replicas and another
//                        (different timestamp and order/contents) to the rest, and
//                        both to one honest "witness" so it can be proven; with
//                        `collude`, also prepares and commits every digest it sees
//                        and claims nothing prepared in its view changes.
//   WrongDigestVoter     prepares, commits and checkpoints wrong digests, sometimes a
//                        different one per recipient.
//   Replayer             re-sends old messages (its own and others') at random later
//                        times to random replicas.
//   Silent               sends nothing at all.
//   WithholdingPrimary   never lets its state machine see the given requests, so it
//                        never proposes them (honest backups must rotate it out).
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "consensus/replica.h"
#include "crypto/keys.h"
#include "tests/consensus/sim/sim_rng.h"

namespace cc::sim {

// What the simulation lends a behaviour for one call.
struct ByzantineContext {
  uint32_t self = 0;
  uint32_t n = 0;
  uint64_t now = 0;
  Rng* rng = nullptr;
  const crypto::KeyPair* key = nullptr;
  const std::string* chain_id = nullptr;
  // Which validators are Byzantine (colluders know each other).
  const std::vector<bool>* byzantine = nullptr;
  // Sends as `self`; nullopt = every other validator.
  std::function<void(std::optional<uint32_t>, const pb::ConsensusMessage&)> send;
};

class ByzantineBehaviour {
 public:
  virtual ~ByzantineBehaviour() = default;
  virtual const char* name() const = 0;
  // Replaces the sending of one message the replica output. Default: send it.
  virtual void OnSend(ByzantineContext& ctx, const consensus::Outbound& out) {
    ctx.send(out.to, out.message);
  }
  // Runs before an inbound event reaches the replica; false hides it.
  virtual bool OnReceive(ByzantineContext& /*ctx*/, const consensus::Event& /*event*/) { return true; }
  virtual void OnTick(ByzantineContext& /*ctx*/) {}
  // True once it has sent an honest replica two conflicting signed votes for one
  // (view, sequence): something that replica can prove.
  virtual bool equivocated() const { return false; }
};

// How an equivocating primary splits the others; empty `alt_group` (and a
// negative witness): a random split and a random honest witness per sequence.
struct EquivocationSplit {
  std::set<uint32_t> alt_group;  // receive the alternative batch
  int witness = -1;              // receives both
};
std::unique_ptr<ByzantineBehaviour> MakeEquivocatingPrimary(bool collude, EquivocationSplit split = {});
// `rate`: share of its prepares/commits/checkpoints sent with a wrong digest.
std::unique_ptr<ByzantineBehaviour> MakeWrongDigestVoter(double rate);
// `rate`: chance per tick of replaying 1-3 old messages.
std::unique_ptr<ByzantineBehaviour> MakeReplayer(double rate);
std::unique_ptr<ByzantineBehaviour> MakeSilent();
// `withheld`: transaction ids it never lets its replica see.
std::unique_ptr<ByzantineBehaviour> MakeWithholdingPrimary(std::set<std::string> withheld);

}  // namespace cc::sim
