#include "p2p/backoff.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace cc::p2p {
namespace {

using std::chrono::milliseconds;

TEST(P2pBackoff, DoublesWithJitterUpToTheCap) {
  Backoff b(milliseconds(100), milliseconds(5000), 7);
  const std::vector<int64_t> bases = {100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000};
  for (int64_t base : bases) {
    const int64_t d = b.Next().count();
    EXPECT_GE(d, base / 2) << "base " << base;
    EXPECT_LE(d, base) << "base " << base;
  }
}

TEST(P2pBackoff, ResetStartsOver) {
  Backoff b(milliseconds(100), milliseconds(5000), 7);
  for (int i = 0; i < 20; ++i) (void)b.Next();
  EXPECT_GE(b.Next().count(), 2500);
  b.Reset();
  EXPECT_LE(b.Next().count(), 100);
}

TEST(P2pBackoff, SeedDeterminesTheJitter) {
  auto draw = [](uint64_t seed) {
    Backoff b(milliseconds(1000), milliseconds(1000), seed);
    std::vector<int64_t> out;
    out.reserve(32);
    for (int i = 0; i < 32; ++i) out.push_back(b.Next().count());
    return out;
  };
  EXPECT_EQ(draw(1), draw(1));
  EXPECT_NE(draw(1), draw(2));
  // Jitter actually varies within one sequence.
  const auto seq = draw(3);
  EXPECT_NE(*std::min_element(seq.begin(), seq.end()), *std::max_element(seq.begin(), seq.end()));
}

}  // namespace
}  // namespace cc::p2p
