// Whole-network view checks over GET /v1/status, and who signed which certificates
// (GET /v1/blocks/{h}), for the integration and netns tests.
//
// "One view and voting" (issue 9): every validator answers with the same `view`,
// `in_view_change: false`, and, where the node reports them, `participating: true`
// and `validators_in_view` equal to the number of validators. Nodes that do not
// report the last two fields are judged by the first two alone; ViewState says which.
//
// Deadlines bound waiting only; no answer depends on how fast anything is.
// Thread safety: free functions; each makes its own clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "tests/integration/test_network.h"

namespace cc::integration {

struct ViewState {
  uint64_t view = 0;
  bool participation_reported = false;  // the nodes report participating / validators_in_view
  std::string summary;                  // one line per validator, as last polled
};

// Polls every validator of `net` (every 100 ms) until they are in one view and
// voting, as above. On timeout, code "views" with the last answers.
Result<ViewState> WaitForOneView(const TestNetwork& net, std::chrono::milliseconds timeout);

// The validators' answers now, one line each (view, view changes, participation,
// height), for the test's log.
std::string DescribeViews(const TestNetwork& net);

// Waits until every validator's own chain holds a block above `after` whose
// certificate carries that validator's own signature: it voted for that block. (A
// block a node only fetched by block sync carries the signatures of the nodes that
// committed it; a validator stranded out of the quorum's view never signs.) Returns,
// per validator index, the first such height; on timeout, code "votes" naming those
// that did not vote and how far their chains were read.
Result<std::vector<uint64_t>> WaitForVotes(const TestNetwork& net, uint64_t after,
                                           std::chrono::milliseconds timeout);

// How many of blocks from..to (inclusive) in validator `v`'s own chain carry its own
// signature.
Result<uint64_t> OwnSignatures(const TestNetwork& net, size_t v, uint64_t from, uint64_t to);

}  // namespace cc::integration
