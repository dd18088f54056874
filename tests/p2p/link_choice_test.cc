#include "p2p/link_choice.h"

#include <gtest/gtest.h>

#include <string>

namespace cc::p2p {
namespace {

const std::string kSmall(32, '\x01');
const std::string kLarge(32, '\xf0');  // larger as unsigned bytes, negative as signed char

TEST(P2pLinkChoice, BothEndsKeepTheLinkDialedByTheSmallerKey) {
  const std::string boot_small(16, 's');
  const std::string boot_large(16, 'l');
  // As seen by the small-key node: the peer's boot id is boot_large on both links.
  const LinkChoice at_small =
      ChooseLink({boot_large, kLarge}, {boot_large, kSmall});  // current: large dialed
  EXPECT_TRUE(at_small.keep_incoming);
  EXPECT_EQ(at_small.loser_reason, DisconnectReason::kDuplicate);
  // As seen by the large-key node, with the links arriving in the other order.
  const LinkChoice at_large = ChooseLink({boot_small, kSmall}, {boot_small, kLarge});
  EXPECT_FALSE(at_large.keep_incoming);
  EXPECT_EQ(at_large.loser_reason, DisconnectReason::kDuplicate);
}

TEST(P2pLinkChoice, RestartedPeerReplacesTheStaleLink) {
  const LinkChoice c = ChooseLink({std::string(16, 'o'), kSmall}, {std::string(16, 'n'), kLarge});
  EXPECT_TRUE(c.keep_incoming);  // even though the smaller key dialed the old one
  EXPECT_EQ(c.loser_reason, DisconnectReason::kReplaced);
}

TEST(P2pLinkChoice, SameDialerRedialingReplacesItsOldLink) {
  const std::string boot(16, 'b');
  const LinkChoice c = ChooseLink({boot, kLarge}, {boot, kLarge});
  EXPECT_TRUE(c.keep_incoming);
  EXPECT_EQ(c.loser_reason, DisconnectReason::kReplaced);
}

}  // namespace
}  // namespace cc::p2p
