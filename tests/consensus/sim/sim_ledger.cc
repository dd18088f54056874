#include "tests/consensus/sim/sim_ledger.h"

#include <algorithm>

#include "common/canonical.h"
#include "crypto/hash.h"
#include "crypto/merkle.h"
#include "proto/canonical.h"

namespace cc::sim {

const ExecutedBlock& SimLedger::Execute(const consensus::CommittedBatch& committed) {
  const std::string prev_hash = blocks_.empty() ? std::string(32, '\0') : blocks_.back().hash;
  const std::string prev_state =
      blocks_.empty() ? std::string(32, '\0') : blocks_.back().block.block().header().state_root();
  const std::vector<std::string> ids = proto::TxIds(committed.batch);

  CanonicalWriter state("creditchain-sim/state/v1");
  state.Bytes(prev_state);
  for (uint32_t i = 0; i < ids.size(); ++i) {
    const bool duplicate =
        std::find(committed.duplicates.begin(), committed.duplicates.end(), i) != committed.duplicates.end();
    if (!duplicate) state.Bytes(ids[i]);
  }

  ExecutedBlock out;
  pb::Block* block = out.block.mutable_block();
  pb::BlockHeader* h = block->mutable_header();
  h->set_height(committed.sequence);
  h->set_prev_hash(prev_hash);
  h->set_tx_root(crypto::MerkleRoot(ids));
  h->set_batch_digest(
      proto::BatchDigest(committed.batch.timestamp_ms(), static_cast<uint32_t>(ids.size()), h->tx_root()));
  h->set_state_root(crypto::Blake2b256(state.bytes()));
  h->set_timestamp_ms(committed.batch.timestamp_ms());
  h->set_tx_count(static_cast<uint32_t>(ids.size()));
  for (const auto& r : committed.batch.requests()) block->add_txs(r);
  *out.block.mutable_certificate() = committed.certificate;
  out.duplicates = committed.duplicates;
  out.hash = proto::BlockHash(*h);
  out.ids = ids;
  blocks_.push_back(std::move(out));
  return blocks_.back();
}

}  // namespace cc::sim
