// Signature attestations from other validators (PeerFrame.attestation and
// TxBatch.attestation, node/attestations.h): what a validator's authenticated link
// can make a node take as checked.
//
// The alliance has four validators with real Ed25519 keys; the node under test is
// validator 0. The input is a script of operations until it ends:
//   kRaw:     U8 link, Bytes parsed as a TxAttestation, accepted from that link
//             (links 0..4: the node's own index and one outside the set included);
//   kSigned:  U8 signer, U8 link, U8 entry count, entries (U8 id, U8 key) from a
//             pool of 8 ids and 3 keys, U8 edit; the signer genuinely signs them,
//             the edit may then change the validator, an id, a key or the
//             signature, or drop a key, and the result is accepted from the link;
//   kForget:  U8 id, as a commit does.
//
// Checks, after every operation: a (tx id, key) pair the node takes as checked was
// genuinely signed, in some attestation, by at least f+1 = 2 distinct validators
// other than the node itself (soundness: the fuzzer holds no key, so it can only
// replay or edit what they signed); and an unedited attestation from its signer's
// own link is accepted.
#include <google/protobuf/stubs/logging.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "crypto/hash.h"
#include "fuzz/fuzz_input.h"
#include "node/attestations.h"

namespace cc::fuzz {
namespace {

constexpr uint32_t kN = 4;
constexpr uint32_t kSelf = 0;
constexpr const char* kChain = "attestation-fuzz";

enum Op : uint8_t { kRaw, kSigned, kForget, kOpCount };

struct World {
  World() {
    for (uint32_t i = 0; i < kN; ++i) {
      keys.push_back(crypto::KeyPair::FromSeed(crypto::Blake2b256("attestation-fuzz/" + std::to_string(i))));
      public_keys.push_back(keys.back().public_key());
    }
    for (int i = 0; i < 8; ++i) ids.push_back(crypto::Blake2b256("tx-" + std::to_string(i)));
    for (int i = 0; i < 3; ++i)
      senders.push_back(
          crypto::KeyPair::FromSeed(crypto::Blake2b256("sender-" + std::to_string(i))).public_key());
  }
  std::vector<crypto::KeyPair> keys;
  std::vector<std::string> public_keys;
  std::vector<std::string> ids;
  std::vector<std::string> senders;
};

const World& TheWorld() {
  static const World* world = new World();
  return *world;
}

void Run(FuzzInput& in) {
  const World& w = TheWorld();
  node::VerifiedSignatures sigs;
  node::Attestations node(kChain, w.public_keys, kSelf, &w.keys[kSelf], sigs);
  // (id, key) -> validators that genuinely signed an attestation holding the pair.
  std::map<std::pair<std::string, std::string>, std::set<uint32_t>> signed_by;

  for (int step = 0; step < 64 && !in.empty(); ++step) {
    switch (static_cast<Op>(in.U8() % kOpCount)) {
      case kRaw: {
        const uint32_t link = in.U8() % (kN + 1);
        pb::TxAttestation a;
        if (a.ParseFromString(in.Bytes())) (void)node.Accept(link, a);
        break;
      }
      case kSigned: {
        const uint32_t signer = in.U8() % kN;
        const uint32_t link = in.U8() % (kN + 1);
        const size_t count = in.U8() % 6;
        std::vector<std::pair<std::string, std::string>> entries;
        for (size_t e = 0; e < count; ++e) entries.emplace_back(w.ids[in.U8() % 8], w.senders[in.U8() % 3]);
        node::VerifiedSignatures scratch;
        node::Attestations signer_side(kChain, w.public_keys, signer, &w.keys[signer], scratch);
        std::optional<pb::TxAttestation> a = signer_side.Sign(entries);
        if (!a) break;
        for (const auto& pair : entries) signed_by[pair].insert(signer);
        const uint8_t edit = in.U8();
        switch (edit % 6) {
          case 1:
            a->set_validator(in.U8() % (kN + 1));
            break;
          case 2:
            a->set_tx_ids(in.U8() % a->tx_ids_size(), w.ids[in.U8() % 8]);
            break;
          case 3:
            a->set_public_keys(in.U8() % a->public_keys_size(), w.senders[in.U8() % 3]);
            break;
          case 4: {
            std::string sig = a->signature();
            sig[in.U8() % sig.size()] ^= static_cast<char>(in.U8() | 1);
            a->set_signature(sig);
            break;
          }
          case 5:
            a->mutable_public_keys()->RemoveLast();
            break;
          default:
            break;
        }
        const Result<size_t> r = node.Accept(link, *a);
        if (edit % 6 == 0 && link == signer && signer != kSelf && !r.ok()) {
          std::fprintf(stderr, "a genuine attestation from its own link was refused: %s\n",
                       r.status().ToString().c_str());
          std::abort();
        }
        break;
      }
      case kForget:
        node.Forget({w.ids[in.U8() % 8]});
        break;
      case kOpCount:
        break;
    }
    for (const auto& id : w.ids) {
      for (const auto& key : w.senders) {
        if (!sigs.Check(id, key, "not the signed message", std::string(64, '\0'))) continue;
        std::set<uint32_t> others = signed_by[{id, key}];
        others.erase(kSelf);
        if (others.size() < 2) {
          std::fprintf(stderr, "a pair signed by %zu other validator(s) was taken as checked\n",
                       others.size());
          std::abort();
        }
      }
    }
  }
}

}  // namespace

std::vector<Seed> FuzzSeeds() {
  std::vector<Seed> seeds;
  {  // Two validators vouch for two transactions; a third repeats; one is forgotten.
    FuzzWriter w;
    w.U8(kSigned).U8(1).U8(1).U8(2).U8(0).U8(0).U8(1).U8(0).U8(0);
    w.U8(kSigned).U8(2).U8(2).U8(2).U8(0).U8(0).U8(1).U8(0).U8(0);
    w.U8(kSigned).U8(3).U8(3).U8(1).U8(0).U8(0).U8(0);
    w.U8(kForget).U8(1);
    seeds.emplace_back("two_vouch", w.Take());
  }
  {  // Every kind of edit, and an attestation on another validator's link.
    FuzzWriter w;
    const int operands[] = {0, 1, 2, 2, 2, 0};  // bytes each edit reads
    for (uint8_t edit = 1; edit < 6; ++edit) {
      w.U8(kSigned).U8(1).U8(1).U8(1).U8(2).U8(1).U8(edit);
      for (int k = 0; k < operands[edit]; ++k) w.U8(0);
    }
    w.U8(kSigned).U8(2).U8(3).U8(1).U8(2).U8(1).U8(0);
    w.U8(kSigned).U8(0).U8(0).U8(1).U8(2).U8(1).U8(0);
    seeds.emplace_back("edits", w.Take());
  }
  {  // Raw bytes: a parsed attestation with no signature, and garbage.
    pb::TxAttestation a;
    a.set_validator(1);
    a.add_tx_ids(std::string(32, 'i'));
    a.add_public_keys(std::string(32, 'k'));
    FuzzWriter w;
    w.U8(kRaw).U8(1).Bytes(a.SerializeAsString());
    w.U8(kRaw).U8(4).Bytes(std::string("\x08\x01\x12\x03") + "abc");
    seeds.emplace_back("raw", w.Take());
  }
  return seeds;
}

}  // namespace cc::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  google::protobuf::SetLogHandler(nullptr);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cc::fuzz::FuzzInput in(data, size);
  cc::fuzz::Run(in);
  return 0;
}
