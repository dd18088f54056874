// ledger_crash_writer DB_PATH BLOCKS TXS_PER_BLOCK STATUS_FD
//
// Helper process of crash_test.cc: builds the deterministic certified chain of
// ChainBuilder("crash-chain", 4, "crash") in memory, then appends it block by block
// to a LevelDbLedger at DB_PATH (continuing from whatever tip is there), writing
// each appended height as 8 raw bytes to STATUS_FD. After the last block it waits to
// be killed. Exit 3 on any error.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "ledger/leveldb_ledger.h"
#include "tests/ledger/chain_builder.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s DB_PATH BLOCKS TXS_PER_BLOCK STATUS_FD\n", argv[0]);
    return 2;
  }
  const std::string path = argv[1];
  const int blocks = std::atoi(argv[2]);
  const int txs = std::atoi(argv[3]);
  const int status_fd = std::atoi(argv[4]);

  cc::ledger::testing::ChainBuilder chain("crash-chain", 4, "crash");
  std::vector<cc::pb::CertifiedBlock> chain_blocks;
  for (int i = 0; i < blocks; ++i) chain_blocks.push_back(chain.Next(static_cast<size_t>(txs)));

  auto opened = cc::ledger::LevelDbLedger::Open(path);
  if (!opened.ok()) {
    std::fprintf(stderr, "crash_writer: %s\n", opened.status().ToString().c_str());
    return 3;
  }
  cc::ledger::Ledger& ledger = **opened;
  for (uint64_t h = ledger.Height() + 1; h <= static_cast<uint64_t>(blocks); ++h) {
    const cc::pb::CertifiedBlock& b = chain_blocks[h - 1];
    const cc::Status s = ledger.Append(b, cc::ledger::testing::ChainBuilder::WritesFor(b));
    if (!s.ok()) {
      std::fprintf(stderr, "crash_writer: %s\n", s.ToString().c_str());
      return 3;
    }
    unsigned char report[8];
    for (int i = 0; i < 8; ++i) report[i] = static_cast<unsigned char>(h >> (56 - 8 * i));
    if (write(status_fd, report, sizeof report) != static_cast<ssize_t>(sizeof report)) return 3;
  }
  for (;;) pause();
}
