// ChainBuilder: builds signed, certified chains for tests and benchmarks.
//
// Everything is real and deterministic: validator and member keys are Ed25519 keys
// derived from a label, transactions are canonical SignedTx signed by the member key,
// and each block's commit certificate carries 2f+1 real commit-vote signatures.
// Two builders constructed with the same arguments produce byte-identical chains
// (a test process and a child process can agree on the expected chain).
//
// Header-only so any test or benchmark linking cc_ledger can use it:
//   #include "tests/ledger/chain_builder.h"
//
// Thread safety: none; one builder per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/hash.h"
#include "crypto/keys.h"
#include "ledger/block.h"
#include "ledger/ledger.h"
#include "proto/canonical.h"
#include "proto/creditchain.pb.h"

namespace cc::ledger::testing {

inline crypto::KeyPair KeyFromLabel(std::string_view label) {
  return crypto::KeyPair::FromSeed(crypto::Blake2b256(label));
}

class ChainBuilder {
 public:
  static constexpr uint64_t kGenesisTimeMs = 1'700'000'000'000;

  explicit ChainBuilder(std::string chain_id = "creditchain-test", size_t validators = 4,
                        std::string label = "chain-builder")
      : chain_id_(std::move(chain_id)),
        label_(std::move(label)),
        member_(KeyFromLabel(label_ + "/member")),
        tip_hash_(ZeroHash()) {
    for (size_t i = 0; i < validators; ++i) {
      validators_.push_back(KeyFromLabel(label_ + "/validator/" + std::to_string(i)));
    }
  }

  const std::string& chain_id() const { return chain_id_; }
  const std::vector<crypto::KeyPair>& validators() const { return validators_; }
  std::vector<std::string> public_keys() const {
    std::vector<std::string> out;
    for (const auto& k : validators_) out.push_back(k.public_key());
    return out;
  }
  uint64_t height() const { return height_; }
  const std::string& tip_hash() const { return tip_hash_; }

  // A canonical SignedTx (a RecordCreditEvent) signed by the member key; distinct
  // nonces give distinct transactions.
  std::string MakeTx(uint64_t nonce) const {
    pb::SignedTx tx;
    pb::TxBody* body = tx.mutable_body();
    body->set_chain_id(chain_id_);
    body->set_sender("member-1");
    body->set_nonce(nonce);
    body->set_not_before_ms(kGenesisTimeMs);
    body->set_not_after_ms(kGenesisTimeMs + 86'400'000ull * 365);
    pb::RecordCreditEvent* ev = body->mutable_record_event();
    ev->set_subject_key(crypto::Blake2b256(label_ + "/subject/" + std::to_string(nonce % 97)));
    ev->set_event_type(pb::EVENT_LOAN_OPENED);
    ev->set_loan_ref_hash(crypto::Blake2b256(label_ + "/loan/" + std::to_string(nonce)));
    ev->set_amount_minor(100'000 + nonce);
    ev->set_currency("CNY");
    ev->set_event_day(19'700);
    ev->set_record_hash(crypto::Blake2b256(label_ + "/record/" + std::to_string(nonce)));
    tx.set_signature(member_.Sign(proto::TxBodySigningBytes(*body)));
    return tx.SerializeAsString();
  }

  // Commit votes over (view, header.height, header.batch_digest) by `signers`.
  pb::CommitCertificate Certify(const pb::BlockHeader& header, uint64_t view,
                                const std::vector<uint32_t>& signers) const {
    pb::CommitCertificate cert;
    cert.set_view(view);
    cert.set_sequence(header.height());
    cert.set_digest(header.batch_digest());
    for (uint32_t v : signers) {
      pb::CommitSignature* sig = cert.add_signatures();
      sig->set_validator(v);
      sig->set_signature(validators_.at(v).Sign(
          proto::CommitSigningBytes(chain_id_, view, header.height(), header.batch_digest(), v)));
    }
    return cert;
  }
  // Certified by the first 2f+1 validators in view 0.
  pb::CommitCertificate Certify(const pb::BlockHeader& header) const {
    std::vector<uint32_t> signers;
    for (uint32_t v = 0; v < QuorumSize(validators_.size()); ++v) signers.push_back(v);
    return Certify(header, 0, signers);
  }

  // The next certified block holding `txs`; advances the builder's tip.
  pb::CertifiedBlock NextWithTxs(const std::vector<std::string>& txs) {
    const uint64_t height = height_ + 1;
    pb::CertifiedBlock out;
    *out.mutable_block() = BuildBlock(height, tip_hash_, kGenesisTimeMs + height * 1000, txs,
                                      crypto::Blake2b256("state/" + std::to_string(height)));
    *out.mutable_certificate() = Certify(out.block().header());
    height_ = height;
    tip_hash_ = proto::BlockHash(out.block().header());
    return out;
  }
  // The next certified block with `tx_count` fresh transactions.
  pb::CertifiedBlock Next(size_t tx_count) {
    std::vector<std::string> txs;
    for (size_t i = 0; i < tx_count; ++i) txs.push_back(MakeTx(next_nonce_++));
    return NextWithTxs(txs);
  }

  // State writes a test appends with a block: "block/<height>" -> its hash, and
  // "last" -> its height, so a reader can tell which blocks' state is present.
  static StateWrites WritesFor(const pb::CertifiedBlock& block) {
    const uint64_t h = block.block().header().height();
    return {{BlockStateKey(h), proto::BlockHash(block.block().header())}, {"last", std::to_string(h)}};
  }
  static std::string BlockStateKey(uint64_t height) {
    std::string digits = std::to_string(height);
    return "block/" + std::string(20 - digits.size(), '0') + digits;
  }

 private:
  std::string chain_id_;
  std::string label_;
  crypto::KeyPair member_;
  std::vector<crypto::KeyPair> validators_;
  uint64_t height_ = 0;
  std::string tip_hash_;
  uint64_t next_nonce_ = 1;
};

}  // namespace cc::ledger::testing
