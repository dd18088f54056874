// Membership and parameter changes: who may propose, the 2f+1 rule, next-block
// application, key rotation, suspension, validators, parameters.
#include "contracts/governance.h"

#include <gtest/gtest.h>

#include "contracts/queries.h"
#include "tests/contracts/test_chain.h"

namespace cc::contracts {
namespace {

using testing::kAlice;
using testing::TestChain;
using testing::TxId;

ProposedChange AddMember(const std::string& id, const crypto::KeyPair& key) {
  ProposedChange c;
  c.kind = pb::CHANGE_ADD_MEMBER;
  c.member_id = id;
  c.public_key = key.public_key();
  c.role = pb::ROLE_MEMBER;
  c.display_name = "New Lender";
  return c;
}

ProposedChange About(pb::ChangeKind kind, const std::string& member, const std::string& key = "") {
  ProposedChange c;
  c.kind = kind;
  c.member_id = member;
  c.public_key = key;
  return c;
}

ProposedChange SetParam(const std::string& name, uint64_t value) {
  ProposedChange c;
  c.kind = pb::CHANGE_SET_PARAMETER;
  c.parameter = name;
  c.value = value;
  return c;
}

// Proposes by bank-a and approves by bank-b and bank-c (3 of 4 validators), each
// in its own block; returns the proposal id. The change applies at the start of
// the block after the last approval.
std::string Pass(TestChain& c, const ProposedChange& change) {
  const std::string proposal = c.Propose("bank-a", change);
  EXPECT_EQ(c.RunOne(proposal).code, "ok");
  EXPECT_EQ(c.RunOne(c.Approve("bank-b", TxId(proposal))).code, "ok");
  EXPECT_EQ(c.RunOne(c.Approve("bank-c", TxId(proposal))).code, "ok");
  return TxId(proposal);
}

TEST(Governance, QuorumIsTwoFPlusOne) {
  EXPECT_EQ(QuorumSize(1), 1u);
  EXPECT_EQ(QuorumSize(3), 1u);
  EXPECT_EQ(QuorumSize(4), 3u);
  EXPECT_EQ(QuorumSize(6), 3u);
  EXPECT_EQ(QuorumSize(7), 5u);
}

TEST(Governance, AddMemberReachingQuorumLetsTheNewMemberSubmit) {
  TestChain c;
  const crypto::KeyPair key = TestChain::KeyFor("newbank");
  c.UseKey("newbank", key);
  const std::string proposal = c.Propose("bank-a", AddMember("newbank", key));
  ASSERT_EQ(c.RunOne(proposal).code, "ok");
  ASSERT_EQ(c.RunOne(c.Approve("bank-b", TxId(proposal))).code, "ok");
  std::optional<ProposalView> v = ReadProposal(c.state(), TxId(proposal), c.now_ms());
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->approval_weight, 2u);
  EXPECT_EQ(v->quorum, 3u);
  EXPECT_EQ(v->proposal.status, ProposalStatus::kPending);
  EXPECT_EQ(ReadPendingProposals(c.state(), c.now_ms()).size(), 1u);
  // Below quorum the member does not exist yet.
  EXPECT_EQ(c.RunOne(c.Query("newbank", kAlice)).code, "unknown_member");

  // The third approval reaches 2f+1 = 3; in the same block the change is not yet
  // in force, at the start of the next block it is.
  const BlockResult r = c.Run({c.Approve("bank-c", TxId(proposal)), c.Query("newbank", kAlice)});
  EXPECT_EQ(r.receipts[0].code, "ok");
  EXPECT_EQ(r.receipts[1].code, "unknown_member");
  EXPECT_EQ(ReadProposal(c.state(), TxId(proposal), c.now_ms())->proposal.status, ProposalStatus::kApproved);
  EXPECT_EQ(c.RunOne(c.Query("newbank", kAlice)).code, "ok");
  v = ReadProposal(c.state(), TxId(proposal), c.now_ms());
  EXPECT_EQ(v->proposal.status, ProposalStatus::kApplied);
  EXPECT_EQ(v->proposal.applied_height, c.height());
  EXPECT_TRUE(ReadPendingProposals(c.state(), c.now_ms()).empty());
  const std::optional<MemberView> m = ReadMember(c.state(), "newbank");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->member.joined_height, c.height());
  EXPECT_EQ(m->member.display_name, "New Lender");
}

TEST(Governance, OnlyValidatorOperatorsAndRegulatorsGovern) {
  TestChain c;
  const std::string by_lender = c.Propose("lender-e", SetParam("retention_days", 100));
  EXPECT_EQ(c.RunOne(by_lender).code, "not_authorized");
  const std::string proposal = c.Propose("regulator", SetParam("retention_days", 100));
  ASSERT_EQ(c.RunOne(proposal).code, "ok");
  EXPECT_EQ(c.RunOne(c.Approve("lender-e", TxId(proposal))).code, "not_authorized");
  EXPECT_EQ(c.RunOne(c.Approve("regulator", TxId(proposal))).code, "already_approved");
  // The regulator's approval carries no validator weight: three operators are needed.
  EXPECT_EQ(c.RunOne(c.Approve("bank-a", TxId(proposal))).code, "ok");
  EXPECT_EQ(c.RunOne(c.Approve("bank-b", TxId(proposal))).code, "ok");
  EXPECT_EQ(ReadProposal(c.state(), TxId(proposal), c.now_ms())->proposal.status, ProposalStatus::kPending);
  EXPECT_EQ(c.RunOne(c.Approve("bank-d", TxId(proposal))).code, "ok");
  c.Run({});
  EXPECT_EQ(ReadParams(c.state())->retention_days, 100u);
  EXPECT_EQ(c.RunOne(c.Approve("bank-c", TxId(proposal))).code, "proposal_closed");
  EXPECT_EQ(c.RunOne(c.Approve("bank-c", TestChain::Hash("nope"))).code, "unknown_proposal");
}

TEST(Governance, InvalidChangesAreRejectedAtProposal) {
  TestChain c;
  const crypto::KeyPair key = TestChain::KeyFor("x");
  const BlockResult r = c.Run({
      c.Propose("bank-a", AddMember("bank-b", key)),
      c.Propose("bank-a", AddMember("Bad Id", key)),
      c.Propose("bank-a", AddMember("fresh", c.Key("bank-b"))),
      c.Propose("bank-a", About(pb::CHANGE_SUSPEND_MEMBER, "ghost")),
      c.Propose("bank-a", About(pb::CHANGE_REINSTATE_MEMBER, "bank-b")),
      c.Propose("bank-a", About(pb::CHANGE_REMOVE_MEMBER, "bank-b")),
      c.Propose("bank-a", SetParam("retention_days", 0)),
      c.Propose("bank-a", SetParam("colour", 1)),
      c.Propose("bank-a", SetParam("daily_query_quota:ghost", 1)),
      c.Propose("bank-a", About(pb::CHANGE_ADD_VALIDATOR, "regulator", key.public_key())),
      c.Propose("bank-a", About(pb::CHANGE_REMOVE_VALIDATOR, "", key.public_key())),
      c.Propose("bank-a", About(pb::CHANGE_KIND_UNSPECIFIED, "bank-b")),
  });
  const char* expected[] = {"member_exists",  "invalid_member_id", "key_in_use",
                            "unknown_target", "invalid_state",     "operates_validator",
                            "invalid_value",  "unknown_parameter", "unknown_target",
                            "invalid_role",   "unknown_validator", "invalid_change_kind"};
  ASSERT_EQ(r.receipts.size(), std::size(expected));
  for (size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(r.receipts[i].code, expected[i]) << "case " << i << ": " << r.receipts[i].message;
  }
}

TEST(Governance, KeyRotationMakesTheOldKeyFail) {
  TestChain c;
  const crypto::KeyPair old_key = c.Key("lender-e");
  const crypto::KeyPair new_key = TestChain::KeyFor("lender-e/2");
  Pass(c, About(pb::CHANGE_ROTATE_KEY, "lender-e", new_key.public_key()));
  // Signed with the old key: refused from the block after approval on.
  pb::TxBody body = c.Body("lender-e");
  body.mutable_query_audit()->set_subject_key(kAlice);
  body.mutable_query_audit()->set_purpose(pb::QUERY_LOAN_APPLICATION);
  body.mutable_query_audit()->set_authorization_ref_hash(TestChain::Hash("consent"));
  EXPECT_EQ(c.RunOne(TestChain::Sign(body, old_key)).code, "bad_signature");
  EXPECT_EQ(c.RunOne(TestChain::Sign(body, new_key)).code, "ok");
  const MemberView m = *ReadMember(c.state(), "lender-e");
  EXPECT_EQ(m.member.public_key, new_key.public_key());
  EXPECT_EQ(m.member.previous_keys, std::vector<std::string>{old_key.public_key()});
}

TEST(Governance, SuspendedMembersCannotSubmitUntilReinstated) {
  TestChain c;
  Pass(c, About(pb::CHANGE_SUSPEND_MEMBER, "lender-e"));
  EXPECT_EQ(c.RunOne(c.Query("lender-e", kAlice)).code, "member_suspended");
  Pass(c, About(pb::CHANGE_REINSTATE_MEMBER, "lender-e"));
  EXPECT_EQ(c.RunOne(c.Query("lender-e", kAlice)).code, "ok");
  Pass(c, About(pb::CHANGE_REMOVE_MEMBER, "lender-e"));
  EXPECT_EQ(c.RunOne(c.Query("lender-e", kAlice)).code, "member_suspended");
  EXPECT_EQ(ReadMember(c.state(), "lender-e")->member.status, MemberStatus::kRemoved);
  Result<AllianceStats> s = ReadAllianceStats(c.state());
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->members_removed, 1u);
  EXPECT_EQ(s->members_active, 4u);
  EXPECT_EQ(s->regulators, 1u);
  EXPECT_EQ(s->counters.changes_applied, 3u);
}

TEST(Governance, ValidatorChangesUpdateTheSetAndTheQuorum) {
  TestChain c;
  const crypto::KeyPair v5 = TestChain::KeyFor("validator/lender-e");
  Pass(c, About(pb::CHANGE_ADD_VALIDATOR, "lender-e", v5.public_key()));
  c.Run({});
  Result<ValidatorSet> set = ReadValidatorSet(c.state());
  ASSERT_TRUE(set.ok());
  ASSERT_EQ(set->validators.size(), 5u);
  EXPECT_EQ(set->validators[4].operator_id, "lender-e");
  EXPECT_EQ(set->validators[4].public_key, v5.public_key());
  EXPECT_TRUE(ReadMember(c.state(), "lender-e")->operates_validator);
  // n = 5, f = 1: the quorum stays 3, and lender-e may now propose.
  const std::string p = c.Propose("lender-e", SetParam("dispute_deadline_days", 30));
  ASSERT_EQ(c.RunOne(p).code, "ok");
  EXPECT_EQ(ReadProposal(c.state(), TxId(p), c.now_ms())->quorum, 3u);

  // Removing bank-a's validator takes its governance rights with it.
  const std::string bank_a_validator = set->validators[0].public_key;
  const std::string removal = c.Propose("bank-b", About(pb::CHANGE_REMOVE_VALIDATOR, "", bank_a_validator));
  ASSERT_EQ(c.RunOne(removal).code, "ok");
  ASSERT_EQ(c.RunOne(c.Approve("bank-c", TxId(removal))).code, "ok");
  ASSERT_EQ(c.RunOne(c.Approve("bank-d", TxId(removal))).code, "ok");
  c.Run({});
  set = ReadValidatorSet(c.state());
  ASSERT_EQ(set->validators.size(), 4u);
  EXPECT_EQ(set->validators[0].operator_id, "bank-b");  // order of the rest is kept
  EXPECT_EQ(set->changed_height, c.height());
  EXPECT_EQ(c.RunOne(c.Propose("bank-a", SetParam("retention_days", 10))).code, "not_authorized");
}

TEST(Governance, ParametersAndMemberQuotasChange) {
  TestChain c;
  Pass(c, SetParam("daily_query_quota:lender-e", 1));
  Pass(c, SetParam("daily_query_quota", 5));
  c.Run({});
  EXPECT_EQ(ReadMember(c.state(), "lender-e")->daily_quota, 1u);
  EXPECT_EQ(ReadMember(c.state(), "bank-b")->daily_quota, 5u);
  const BlockResult r = c.Run({c.Query("lender-e", kAlice), c.Query("lender-e", kAlice)});
  EXPECT_EQ(r.receipts[0].code, "ok");
  EXPECT_EQ(r.receipts[1].code, "quota_exceeded");
}

TEST(Governance, AChangeThatNoLongerHoldsFailsAtApplication) {
  TestChain c;
  const crypto::KeyPair k1 = TestChain::KeyFor("dup/1");
  const crypto::KeyPair k2 = TestChain::KeyFor("dup/2");
  const std::string p1 = c.Propose("bank-a", AddMember("dup", k1));
  const std::string p2 = c.Propose("bank-a", AddMember("dup", k2));
  ASSERT_EQ(c.Run({p1, p2}).accepted, 2u);
  ASSERT_EQ(c.Run({c.Approve("bank-b", TxId(p1)), c.Approve("bank-b", TxId(p2))}).accepted, 2u);
  ASSERT_EQ(c.Run({c.Approve("bank-c", TxId(p1)), c.Approve("bank-c", TxId(p2))}).accepted, 2u);
  c.Run({});
  const ProposalView v1 = *ReadProposal(c.state(), TxId(p1), c.now_ms());
  const ProposalView v2 = *ReadProposal(c.state(), TxId(p2), c.now_ms());
  EXPECT_EQ(v1.proposal.status, ProposalStatus::kApplied);
  EXPECT_EQ(v2.proposal.status, ProposalStatus::kFailed);
  EXPECT_EQ(v2.proposal.failure_code, "member_exists");
  EXPECT_EQ(ReadMember(c.state(), "dup")->member.public_key, k1.public_key());
}

TEST(Governance, ProposalsExpire) {
  TestChain c;
  const std::string p = c.Propose("bank-a", SetParam("retention_days", 10));
  ASSERT_EQ(c.RunOne(p).code, "ok");
  c.AdvanceDays(kProposalLifetimeDays + 1);
  EXPECT_TRUE(ReadProposal(c.state(), TxId(p), c.now_ms())->expired);
  EXPECT_EQ(c.RunOne(c.Approve("bank-b", TxId(p))).code, "proposal_expired");
}

}  // namespace
}  // namespace cc::contracts
