// The process metrics follow what this process actually does: descriptors it
// opens, memory it touches, CPU it burns.
#include "http/process_metrics.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cc::http {
namespace {

std::optional<double> Sample(const std::string& text, const std::string& name) {
  const std::string key = "\n" + name + " ";
  const size_t at = text.find(key);
  if (at == std::string::npos) return std::nullopt;
  return std::stod(text.substr(at + key.size()));
}

double Read(const std::string& name) {
  auto v = Sample(RenderProcessMetrics(), name);
  EXPECT_TRUE(v.has_value()) << name << " missing from:\n" << RenderProcessMetrics();
  return v.value_or(-1);
}

TEST(ProcessMetrics, RendersEveryStandardMetricWithHelpAndType) {
  const std::string text = RenderProcessMetrics();
  for (const char* name :
       {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_resident_memory_peak_bytes",
        "process_virtual_memory_bytes", "process_open_fds", "process_max_fds", "process_threads",
        "process_start_time_seconds"}) {
    EXPECT_NE(text.find(std::string("# TYPE ") + name + " "), std::string::npos) << name << "\n" << text;
    EXPECT_TRUE(Sample(text, name).has_value()) << name;
  }
  EXPECT_NE(text.find("# TYPE process_cpu_seconds_total counter\n"), std::string::npos);
  EXPECT_GE(Read("process_threads"), 1);
  EXPECT_GT(Read("process_start_time_seconds"), 0);
  EXPECT_GE(Read("process_max_fds"), Read("process_open_fds"));
}

TEST(ProcessMetrics, OpenFdsCountDescriptorsThisProcessOpens) {
  const double before = Read("process_open_fds");
  std::vector<int> fds;
  for (int i = 0; i < 10; ++i) {
    fds.push_back(open("/dev/null", O_RDONLY | O_CLOEXEC));
    ASSERT_GE(fds.back(), 0);
  }
  EXPECT_EQ(Read("process_open_fds"), before + 10);
  for (int fd : fds) close(fd);
  EXPECT_EQ(Read("process_open_fds"), before);
}

TEST(ProcessMetrics, ResidentMemoryGrowsWithTouchedPages) {
  const double before = Read("process_resident_memory_bytes");
  constexpr size_t kBytes = 64u << 20;
  auto block = std::make_unique<char[]>(kBytes);
  std::memset(block.get(), 1, kBytes);  // touch every page
  EXPECT_GE(Read("process_resident_memory_bytes"), before + kBytes / 2);
  EXPECT_GE(Read("process_resident_memory_peak_bytes"), Read("process_resident_memory_bytes"));
  EXPECT_EQ(block[kBytes - 1], 1);
}

TEST(ProcessMetrics, CpuSecondsAdvanceWhileThisProcessComputes) {
  const double before = Read("process_cpu_seconds_total");
  // Burn CPU until the counter moves (it has clock-tick resolution); the deadline
  // only bounds the wait.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  volatile uint64_t sink = 0;
  while (Read("process_cpu_seconds_total") <= before) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "process_cpu_seconds_total never advanced";
    for (int i = 0; i < 1'000'000; ++i) sink = sink + static_cast<uint64_t>(i);
  }
  EXPECT_GT(Read("process_cpu_seconds_total"), before);
}

}  // namespace
}  // namespace cc::http
