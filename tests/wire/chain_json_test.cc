// The JSON form of proofs (wire/chain_json.h): what the API serves, creditctl reads.
#include "wire/chain_json.h"

#include <gtest/gtest.h>

#include "common/hex.h"
#include "crypto/hash.h"
#include "proto/canonical.h"

namespace cc::wire {
namespace {

pb::TxProof SomeProof() {
  pb::TxProof p;
  p.set_tx("signed transaction bytes");
  p.mutable_merkle()->set_leaf_index(1);
  p.mutable_merkle()->set_leaf_count(3);
  p.mutable_merkle()->add_siblings(crypto::Blake2b256("sibling"));
  auto* h = p.mutable_header();
  h->set_height(7);
  h->set_prev_hash(crypto::Blake2b256("prev"));
  h->set_batch_digest(crypto::Blake2b256("batch"));
  h->set_tx_root(crypto::Blake2b256("root"));
  h->set_state_root(crypto::Blake2b256("state"));
  h->set_timestamp_ms(1'795'497'000'000);
  h->set_tx_count(3);
  auto* c = p.mutable_certificate();
  c->set_view(2);
  c->set_sequence(7);
  c->set_digest(crypto::Blake2b256("batch"));
  auto* sig = c->add_signatures();
  sig->set_validator(1);
  sig->set_signature(std::string(64, 's'));
  return p;
}

TEST(ProofJson, RoundTripsEveryField) {
  const pb::TxProof p = SomeProof();
  const nlohmann::json j = ProofJson(p);
  EXPECT_EQ(j["tx_id"], ToHex(proto::TxId(p.tx())));
  pb::TxProof back;
  ASSERT_TRUE(ProofFromJson(j, &back).ok());
  EXPECT_EQ(back.SerializeAsString(), p.SerializeAsString());
}

TEST(ProofJson, RefusesATxIdThatIsNotTheTransactions) {
  nlohmann::json j = ProofJson(SomeProof());
  j["tx_id"] = ToHex(crypto::Blake2b256("another transaction"));
  pb::TxProof back;
  EXPECT_EQ(ProofFromJson(j, &back).code(), "tx_id_mismatch");
}

TEST(ProofJson, RefusesMissingOrMalformedFields) {
  const nlohmann::json good = ProofJson(SomeProof());
  for (const char* field : {"tx", "tx_id", "merkle", "header", "certificate"}) {
    nlohmann::json j = good;
    j.erase(field);
    pb::TxProof back;
    EXPECT_EQ(ProofFromJson(j, &back).code(), "format") << "without " << field;
  }
  nlohmann::json j = good;
  j["header"]["state_root"] = "not hex";
  pb::TxProof back;
  EXPECT_EQ(ProofFromJson(j, &back).code(), "format");
  EXPECT_EQ(ProofFromJson(nlohmann::json::array(), &back).code(), "format");
}

}  // namespace
}  // namespace cc::wire
