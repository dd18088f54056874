// Fatal: for a failure after which going on could lose or contradict what was
// synced (a storage write that failed): prints "creditd: fatal: <what>" to stderr
// and aborts. A restart recovers from what is on disk.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>

namespace cc {

[[noreturn]] inline void Fatal(const std::string& what) {
  std::fprintf(stderr, "creditd: fatal: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace cc
