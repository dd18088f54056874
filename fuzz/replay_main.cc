// The main of every <harness>_replay program: the harness without libFuzzer.
//
//   <harness>_replay PATH...              runs the harness's own seeds, then every
//                                         file of each PATH (a file, or a directory:
//                                         its regular files in name order)
//   <harness>_replay --write-seeds DIR    writes the seeds to DIR (the committed
//                                         corpus is made this way)
//
// A harness that crashes or fails a check aborts the process, so the ctest fails
// and names the input last announced on stderr. A corpus directory with no file
// fails too: a lost corpus must not pass silently.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));

namespace {

namespace fs = std::filesystem;

bool ReadFile(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

int WriteSeeds(const fs::path& dir) {
  fs::create_directories(dir);
  for (const auto& [name, bytes] : cc::fuzz::FuzzSeeds()) {
    std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", (dir / name).c_str());
      return 1;
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
  if (argc == 3 && std::string(argv[1]) == "--write-seeds") return WriteSeeds(argv[2]);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PATH... | --write-seeds DIR\n", argv[0]);
    return 2;
  }
  size_t runs = 0;
  for (const auto& [name, bytes] : cc::fuzz::FuzzSeeds()) {
    std::fprintf(stderr, "seed %s\n", name.c_str());
    cc::fuzz::RunOne(bytes);
    ++runs;
  }
  for (int i = 1; i < argc; ++i) {
    std::vector<fs::path> files;
    std::error_code ec;
    if (fs::is_directory(argv[i], ec)) {
      for (const auto& entry : fs::directory_iterator(argv[i])) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());
      if (files.empty()) {
        std::fprintf(stderr, "%s: no corpus file\n", argv[i]);
        return 1;
      }
    } else {
      files.emplace_back(argv[i]);
    }
    for (const auto& path : files) {
      std::string bytes;
      if (!ReadFile(path, &bytes)) {
        std::fprintf(stderr, "%s: cannot read\n", path.c_str());
        return 1;
      }
      std::fprintf(stderr, "input %s\n", path.c_str());
      cc::fuzz::RunOne(bytes);
      ++runs;
    }
  }
  std::printf("%zu inputs replayed without a crash\n", runs);
  return 0;
}
