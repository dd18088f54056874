// TxFactory: signs RecordCreditEvent transactions as the alliance's members, exactly
// as a member's back-end would (cli/tx_builder.h): member keys from the network
// folder, unique nonces, a validity window around the wall clock, random subject,
// loan and record hashes.
//
// Thread safety: Make() may be called from several threads at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/bench_network.h"

namespace cc::integration {

struct SignedTx {
  std::string id;   // hex tx id (proto::TxId of raw)
  std::string raw;  // serialized SignedTx
};

class TxFactory {
 public:
  // REQUIRES: !members.empty().
  TxFactory(std::string chain_id, std::vector<cli::BenchMember> members);

  // `count` new transactions, senders in turn; valid from 1 minute ago to 15
  // minutes from now.
  std::vector<SignedTx> Make(size_t count);
  SignedTx MakeOne() { return Make(1).front(); }

 private:
  std::string chain_id_;
  std::vector<cli::BenchMember> members_;
  uint64_t nonce_base_;
  std::atomic<uint64_t> next_{0};
};

}  // namespace cc::integration
