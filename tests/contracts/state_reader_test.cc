#include "contracts/state_reader.h"

#include <gtest/gtest.h>

namespace cc::contracts {
namespace {

StateEntries Entries(std::initializer_list<std::pair<const char*, const char*>> list) {
  StateEntries out;
  for (const auto& [k, v] : list) out.emplace_back(k, v);
  return out;
}

TEST(MemoryState, ScanReturnsPrefixInKeyOrderUpToLimit) {
  MemoryState s;
  s.Apply({{"a/2", "two"}, {"a/1", "one"}, {"b/1", "other"}, {"a/3", "three"}});
  EXPECT_EQ(s.Scan("a/", 10), Entries({{"a/1", "one"}, {"a/2", "two"}, {"a/3", "three"}}));
  EXPECT_EQ(s.Scan("a/", 2), Entries({{"a/1", "one"}, {"a/2", "two"}}));
  EXPECT_TRUE(s.Scan("c/", 10).empty());
  s.Apply({{"a/2", std::nullopt}});
  EXPECT_EQ(s.Get("a/2"), std::nullopt);
  EXPECT_EQ(s.Get("a/1"), "one");
}

TEST(Overlay, ChangesShadowTheBase) {
  MemoryState base;
  base.Apply({{"k1", "base1"}, {"k2", "base2"}});
  Overlay o(base);
  o.Put("k1", "new1");
  o.Delete("k2");
  o.Put("k3", "new3");
  EXPECT_EQ(o.Get("k1"), "new1");
  EXPECT_EQ(o.Get("k2"), std::nullopt);
  EXPECT_EQ(o.Get("k3"), "new3");
  EXPECT_EQ(base.Get("k1"), "base1");  // the base is never written
  const StateWrites w = o.Writes();
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0], StateWrite("k1", "new1"));
  EXPECT_EQ(w[1], StateWrite("k2", std::nullopt));
  EXPECT_EQ(w[2], StateWrite("k3", "new3"));
}

TEST(Overlay, ScanMergesDeletesAndPutsWithinTheLimit) {
  MemoryState base;
  base.Apply({{"p/1", "b1"}, {"p/2", "b2"}, {"p/3", "b3"}, {"p/5", "b5"}, {"q/1", "x"}});
  Overlay o(base);
  o.Delete("p/1");
  o.Delete("p/2");
  o.Put("p/3", "o3");
  o.Put("p/4", "o4");
  o.Put("p/6", "o6");
  EXPECT_EQ(o.Scan("p/", 100), Entries({{"p/3", "o3"}, {"p/4", "o4"}, {"p/5", "b5"}, {"p/6", "o6"}}));
  // With a limit the deleted base entries must not eat into the answer.
  EXPECT_EQ(o.Scan("p/", 2), Entries({{"p/3", "o3"}, {"p/4", "o4"}}));
  EXPECT_EQ(o.Scan("p/", 3), Entries({{"p/3", "o3"}, {"p/4", "o4"}, {"p/5", "b5"}}));
}

TEST(Overlay, NestedOverlayAbsorbsIntoParent) {
  MemoryState base;
  base.Apply({{"k", "base"}});
  Overlay block(base);
  block.Put("a", "1");
  Overlay tx(static_cast<const StateReader&>(block));
  EXPECT_EQ(tx.Get("a"), "1");  // sees the block's earlier writes
  tx.Put("b", "2");
  tx.Delete("k");
  EXPECT_EQ(block.Get("b"), std::nullopt);  // not before Absorb
  block.Absorb(tx);
  EXPECT_EQ(tx.change_count(), 0u);
  EXPECT_EQ(block.Get("b"), "2");
  EXPECT_EQ(block.Get("k"), std::nullopt);
  EXPECT_EQ(block.change_count(), 3u);
}

}  // namespace
}  // namespace cc::contracts
