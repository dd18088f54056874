// EquivocationDetector: finds two validly signed votes of one kind (pre-prepare,
// prepare, commit) from one replica for the same (view, sequence) with different
// digests, and turns each such pair into pb::Evidence exactly once.
//
// The caller passes only messages whose signature it has verified. Memory is
// bounded by the caller: Forget() drops everything at or below a sequence (the
// stable checkpoint), and only messages inside the watermark window reach Observe().
//
// Thread safety: none.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "proto/creditchain.pb.h"

namespace cc::consensus {

class EquivocationDetector {
 public:
  // `message` holds one pre-prepare, prepare or commit (anything else is ignored).
  // Returns evidence when it conflicts with the first message of its kind seen from
  // the same replica at the same (view, sequence) and this digest was not reported.
  std::optional<pb::Evidence> Observe(const pb::ConsensusMessage& message);
  void Forget(uint64_t up_to_sequence);
  size_t size() const { return first_.size(); }

 private:
  // (sequence, view, replica, kind): sequence first so Forget() is a range erase.
  using Key = std::tuple<uint64_t, uint64_t, uint32_t, int>;
  struct First {
    std::string digest;
    pb::ConsensusMessage message;
    std::set<std::string> reported;  // conflicting digests already turned into evidence
  };
  std::map<Key, First> first_;
};

}  // namespace cc::consensus
