#include "contracts/state_root.h"

#include <algorithm>
#include <cstdlib>

#include "common/canonical.h"
#include "crypto/hash.h"

namespace cc::contracts {

namespace {

void HashBytes(crypto::Hasher& h, std::string_view bytes) {
  const auto n = static_cast<uint32_t>(bytes.size());
  const char len[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                       static_cast<char>(n)};
  h.Update(std::string_view(len, 4)).Update(bytes);
}

}  // namespace

std::string ZeroRoot() { return std::string(32, '\0'); }

std::string ComputeStateRoot(std::string_view prev_root, uint64_t height, const StateWrites& writes) {
  std::vector<const StateWrite*> sorted;
  sorted.reserve(writes.size());
  for (const auto& w : writes) sorted.push_back(&w);
  std::sort(sorted.begin(), sorted.end(),
            [](const StateWrite* a, const StateWrite* b) { return a->first < b->first; });
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i - 1]->first == sorted[i]->first) std::abort();  // REQUIRES violated
  }

  CanonicalWriter head(kStateRootTag);
  head.Bytes(prev_root).U64(height).U32(static_cast<uint32_t>(sorted.size()));
  crypto::Hasher h;
  h.Update(head.bytes());
  for (const StateWrite* w : sorted) {
    HashBytes(h, w->first);
    const char present = w->second ? 1 : 0;
    h.Update(std::string_view(&present, 1));
    HashBytes(h, w->second ? std::string_view(*w->second) : std::string_view());
  }
  return h.Final();
}

}  // namespace cc::contracts
