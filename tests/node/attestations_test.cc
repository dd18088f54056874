// Signature attestations (node/attestations.h) with real Ed25519 keys: what makes a
// client signature count as checked, and everything that must not.
#include "node/attestations.h"

#include <gtest/gtest.h>

#include <set>

#include "crypto/hash.h"
#include "proto/canonical.h"

namespace cc::node {
namespace {

constexpr const char* kChain = "attest-chain";

struct Alliance {
  explicit Alliance(uint32_t n) {
    for (uint32_t i = 0; i < n; ++i) {
      keys.push_back(crypto::KeyPair::FromSeed(crypto::Blake2b256("validator-" + std::to_string(i))));
      public_keys.push_back(keys.back().public_key());
    }
  }
  // Validator i's own Attestations (it signs with its key).
  std::unique_ptr<Attestations> Of(uint32_t i, VerifiedSignatures& sigs) {
    return std::make_unique<Attestations>(kChain, public_keys, i, &keys[i], sigs);
  }
  std::vector<crypto::KeyPair> keys;
  std::vector<std::string> public_keys;
};

std::string Id(int i) { return crypto::Blake2b256("tx-" + std::to_string(i)); }
const std::string kSender = crypto::KeyPair::FromSeed(crypto::Blake2b256("member")).public_key();
const std::string kOtherKey = crypto::KeyPair::FromSeed(crypto::Blake2b256("member-2")).public_key();

// A signature that is certainly not valid: only a vouched-for pair passes with it.
bool PassesWithBadSignature(const VerifiedSignatures& sigs, const std::string& id, const std::string& key) {
  return sigs.Check(id, key, "message", std::string(64, '\0'));
}

pb::TxAttestation SignedBy(Alliance& a, uint32_t v,
                           const std::vector<std::pair<std::string, std::string>>& e) {
  VerifiedSignatures scratch;
  auto signer = a.Of(v, scratch);
  auto att = signer->Sign(e);
  EXPECT_TRUE(att.has_value());
  return *att;
}

// Validator 0 of four (f = 1) receiving attestations from the others.
class ReceiverOfFour : public ::testing::Test {
 protected:
  Alliance a{4};
  VerifiedSignatures sigs;
  std::unique_ptr<Attestations> receiver = a.Of(0, sigs);
};

TEST_F(ReceiverOfFour, FPlusOneDistinctValidatorsVouchForASignature) {
  // f = 1: two attesters
  EXPECT_EQ(receiver->threshold(), 2u);
  const std::vector<std::pair<std::string, std::string>> entries = {{Id(1), kSender}, {Id(2), kSender}};

  auto first = receiver->Accept(1, SignedBy(a, 1, entries));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(*first, 0u);
  EXPECT_FALSE(PassesWithBadSignature(sigs, Id(1), kSender)) << "one attester may be the faulty one";

  auto second = receiver->Accept(2, SignedBy(a, 2, entries));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 2u);
  EXPECT_TRUE(PassesWithBadSignature(sigs, Id(1), kSender));
  EXPECT_TRUE(PassesWithBadSignature(sigs, Id(2), kSender));
  EXPECT_EQ(sigs.Known({Id(1)}), (std::vector<std::pair<std::string, std::string>>{{Id(1), kSender}}));
  // Vouched for that key only: a rotated key is checked for real.
  EXPECT_FALSE(PassesWithBadSignature(sigs, Id(1), kOtherKey));

  auto third = receiver->Accept(3, SignedBy(a, 3, entries));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, 0u) << "already vouched for";
}

TEST_F(ReceiverOfFour, OneValidatorTwiceIsStillOne) {
  const auto att = SignedBy(a, 1, {{Id(1), kSender}});
  ASSERT_TRUE(receiver->Accept(1, att).ok());
  auto again = receiver->Accept(1, att);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0u);
  EXPECT_FALSE(PassesWithBadSignature(sigs, Id(1), kSender));
}

TEST_F(ReceiverOfFour, DifferentKeysForOneTransactionDoNotAddUp) {
  ASSERT_TRUE(receiver->Accept(1, SignedBy(a, 1, {{Id(1), kSender}})).ok());
  ASSERT_TRUE(receiver->Accept(2, SignedBy(a, 2, {{Id(1), kOtherKey}})).ok());
  EXPECT_FALSE(PassesWithBadSignature(sigs, Id(1), kSender));
  EXPECT_FALSE(PassesWithBadSignature(sigs, Id(1), kOtherKey));
}

TEST_F(ReceiverOfFour, RefusedAttestationsChangeNothing) {
  const std::vector<std::pair<std::string, std::string>> entries = {{Id(1), kSender}};
  ASSERT_TRUE(receiver->Accept(1, SignedBy(a, 1, entries)).ok());

  // Validator 2's attestation arriving on validator 3's link.
  EXPECT_EQ(receiver->Accept(3, SignedBy(a, 2, entries)).status().code(), "wrong_validator");
  // An attestation in this node's own name.
  EXPECT_EQ(receiver->Accept(0, SignedBy(a, 0, entries)).status().code(), "wrong_validator");
  // An index outside the set.
  pb::TxAttestation outside = SignedBy(a, 2, entries);
  outside.set_validator(9);
  EXPECT_EQ(receiver->Accept(9, outside).status().code(), "wrong_validator");
  // Signed by validator 3 but claiming to be validator 2.
  pb::TxAttestation forged = SignedBy(a, 3, entries);
  forged.set_validator(2);
  EXPECT_EQ(receiver->Accept(2, forged).status().code(), "bad_signature");
  // An entry edited after signing.
  pb::TxAttestation edited = SignedBy(a, 2, {{Id(7), kSender}});
  edited.set_tx_ids(0, Id(1));
  EXPECT_EQ(receiver->Accept(2, edited).status().code(), "bad_signature");
  // Malformed: keys missing, a short id, no entries.
  pb::TxAttestation no_keys = SignedBy(a, 2, entries);
  no_keys.clear_public_keys();
  EXPECT_EQ(receiver->Accept(2, no_keys).status().code(), "malformed");
  pb::TxAttestation short_id = SignedBy(a, 2, entries);
  short_id.set_tx_ids(0, "short");
  EXPECT_EQ(receiver->Accept(2, short_id).status().code(), "malformed");
  pb::TxAttestation empty;
  empty.set_validator(2);
  EXPECT_EQ(receiver->Accept(2, empty).status().code(), "malformed");

  EXPECT_FALSE(PassesWithBadSignature(sigs, Id(1), kSender)) << "no refused attestation counted";
  ASSERT_TRUE(receiver->Accept(2, SignedBy(a, 2, entries)).ok());
  EXPECT_TRUE(PassesWithBadSignature(sigs, Id(1), kSender));
}

TEST_F(ReceiverOfFour, AnotherChainsAttestationDoesNotVerify) {
  VerifiedSignatures scratch;
  Attestations elsewhere("other-chain", a.public_keys, 1, &a.keys[1], scratch);
  auto att = elsewhere.Sign({{Id(1), kSender}});
  ASSERT_TRUE(att.has_value());
  EXPECT_EQ(receiver->Accept(1, *att).status().code(), "bad_signature");
}

TEST_F(ReceiverOfFour, ForgetDropsWhatACommittedTransactionCollected) {
  ASSERT_TRUE(receiver->Accept(1, SignedBy(a, 1, {{Id(1), kSender}})).ok());
  receiver->Forget({Id(1)});
  auto later = receiver->Accept(2, SignedBy(a, 2, {{Id(1), kSender}}));
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(*later, 0u);
}

TEST(Attestations, SevenValidatorsNeedThree) {
  Alliance a(7);  // f = 2
  VerifiedSignatures sigs;
  auto receiver = a.Of(6, sigs);
  EXPECT_EQ(receiver->threshold(), 3u);
  const std::vector<std::pair<std::string, std::string>> entries = {{Id(1), kSender}};
  ASSERT_TRUE(receiver->Accept(0, SignedBy(a, 0, entries)).ok());
  ASSERT_TRUE(receiver->Accept(1, SignedBy(a, 1, entries)).ok());
  EXPECT_FALSE(PassesWithBadSignature(sigs, Id(1), kSender));
  ASSERT_TRUE(receiver->Accept(2, SignedBy(a, 2, entries)).ok());
  EXPECT_TRUE(PassesWithBadSignature(sigs, Id(1), kSender));
}

TEST(Attestations, ANodeThatIsNotAValidatorSignsNothing) {
  Alliance a(4);
  VerifiedSignatures sigs;
  Attestations observer(kChain, a.public_keys, std::nullopt, nullptr, sigs);
  EXPECT_FALSE(observer.Sign({{Id(1), kSender}}).has_value());
  auto validator = a.Of(1, sigs);
  EXPECT_FALSE(validator->Sign({}).has_value());
}

// For every forwarder and primary: exactly f+1 distinct validators attest a forward
// (the forwarder if it attested, and those ChecksForward picks), and the primary is
// one of them unless it is the forwarder of a relay (which no one attested).
TEST(Attestations, ChecksForwardPicksFPlusOneAttestersIncludingThePrimary) {
  for (uint32_t n : {1u, 4u, 5u, 7u, 10u}) {
    const uint32_t f = (n - 1) / 3;
    for (bool attested : {true, false}) {
      for (uint32_t primary = 0; primary < n; ++primary) {
        for (uint32_t forwarder = 0; forwarder < n; ++forwarder) {
          std::set<uint32_t> attesters;
          if (attested) attesters.insert(forwarder);
          for (uint32_t v = 0; v < n; ++v) {
            if (ChecksForward(v, forwarder, attested, primary, n)) attesters.insert(v);
          }
          const std::string where = "n=" + std::to_string(n) + " primary=" + std::to_string(primary) +
                                    " forwarder=" + std::to_string(forwarder) +
                                    " attested=" + std::to_string(attested);
          if (n > 1 || attested) {
            EXPECT_EQ(attesters.size(), f + 1) << where;
          }
          if (primary != forwarder || attested) {
            EXPECT_TRUE(attesters.count(primary)) << where;
          }
          EXPECT_FALSE(ChecksForward(forwarder, forwarder, attested, primary, n))
              << "the sender is not asked";
        }
      }
    }
  }
  // n = 4: a backup's forward is attested by it and the primary; the primary's by
  // the primary and its successor; a backup's relay by the primary and the next
  // validator after it that is not the relay's sender.
  EXPECT_TRUE(ChecksForward(0, 2, true, 0, 4));
  EXPECT_FALSE(ChecksForward(1, 2, true, 0, 4));
  EXPECT_FALSE(ChecksForward(3, 2, true, 0, 4));
  EXPECT_TRUE(ChecksForward(1, 0, true, 0, 4));
  EXPECT_FALSE(ChecksForward(2, 0, true, 0, 4));
  EXPECT_TRUE(ChecksForward(2, 1, false, 0, 4));
  EXPECT_FALSE(ChecksForward(3, 1, false, 0, 4));
}

// verify_all_signatures: the node still signs its own, and takes none.
TEST(Attestations, ANodeThatChecksEverythingTakesNone) {
  Alliance a(4);
  VerifiedSignatures sigs;
  Attestations strict(kChain, a.public_keys, 0, &a.keys[0], sigs, /*take=*/false);
  EXPECT_TRUE(strict.Sign({{Id(1), kSender}}).has_value());
  const pb::TxAttestation att = SignedBy(a, 1, {{Id(1), kSender}});
  EXPECT_FALSE(strict.Takes(att));
  EXPECT_EQ(strict.Accept(1, att).status().code(), "not_used");
  EXPECT_EQ(strict.Accept(2, SignedBy(a, 2, {{Id(1), kSender}})).status().code(), "not_used");
  EXPECT_FALSE(PassesWithBadSignature(sigs, Id(1), kSender));
}

// With f = 0 one validator's word would be the whole check: not used.
TEST(Attestations, NotUsedWithFewerThanFourValidators) {
  Alliance a(3);
  VerifiedSignatures sigs;
  auto receiver = a.Of(0, sigs);
  EXPECT_FALSE(receiver->enabled());
  EXPECT_FALSE(receiver->Sign({{Id(1), kSender}}).has_value());
  Alliance four(4);
  pb::TxAttestation att = SignedBy(four, 1, {{Id(1), kSender}});
  EXPECT_EQ(receiver->Accept(1, att).status().code(), "not_used");
  EXPECT_FALSE(PassesWithBadSignature(sigs, Id(1), kSender));
}

// One validator's flood of attestations evicts only its own pending ones.
TEST_F(ReceiverOfFour, AFloodFromOneValidatorDoesNotEvictTheOthers) {
  ASSERT_TRUE(receiver->Accept(1, SignedBy(a, 1, {{Id(1), kSender}})).ok());
  std::vector<std::pair<std::string, std::string>> flood;
  for (int i = 0; i < Attestations::kMaxEntries; ++i) flood.emplace_back(Id(1000 + i), kSender);
  const pb::TxAttestation big = SignedBy(a, 3, flood);
  for (int k = 0; k < 3; ++k) ASSERT_TRUE(receiver->Accept(3, big).ok());
  // More distinct pairs than all validators may hold together.
  for (int k = 0; k < 8; ++k) {
    std::vector<std::pair<std::string, std::string>> more;
    for (int i = 0; i < Attestations::kMaxEntries; ++i) more.emplace_back(Id(100000 * (k + 1) + i), kSender);
    ASSERT_TRUE(receiver->Accept(3, SignedBy(a, 3, more)).ok());
  }
  auto second = receiver->Accept(2, SignedBy(a, 2, {{Id(1), kSender}}));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 1u) << "validator 1's attestation survived validator 3's flood";
  EXPECT_TRUE(PassesWithBadSignature(sigs, Id(1), kSender));
}

}  // namespace
}  // namespace cc::node
