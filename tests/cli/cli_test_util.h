// Helpers shared by the creditctl tests: run the real binary, read files, search text.
//
// Thread safety: none needed (tests).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"

namespace cc::cli::testing {

inline const std::string kCreditctl = CC_BINARY_DIR "/cli/creditctl";

// Runs the real creditctl with `args`.
inline cc::testing::ProcessResult Ctl(const std::vector<std::string>& args) {
  return cc::testing::RunProcess(kCreditctl, args);
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline std::string ReadFile(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace cc::cli::testing
