#include "http/process_metrics.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

namespace cc::http {

namespace {

std::string ReadFile(const char* path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The fields of /proc/self/stat after the command name (which may hold spaces
// and parentheses, so the split starts after its last ')'): fields[0] is field 3.
std::vector<std::string> StatFields() {
  const std::string stat = ReadFile("/proc/self/stat");
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream in(stat.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; in >> f;) fields.push_back(f);
  return fields;
}

std::optional<double> Number(const std::vector<std::string>& fields, size_t field) {
  const size_t i = field - 3;
  if (i >= fields.size()) return std::nullopt;
  try {
    return std::stod(fields[i]);
  } catch (...) {
    return std::nullopt;
  }
}

// "VmHWM:   12345 kB" from /proc/self/status, in bytes.
std::optional<double> StatusKb(const std::string& status, const std::string& key) {
  const size_t at = status.find("\n" + key + ":");
  if (at == std::string::npos) return std::nullopt;
  try {
    return std::stod(status.substr(at + key.size() + 2)) * 1024;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<double> OpenFds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  double n = 0;
  while (const dirent* e = readdir(dir)) {
    if (e->d_name[0] != '.') ++n;
  }
  closedir(dir);
  return n - 1;  // the descriptor of the directory being read
}

std::optional<double> BootTime() {
  std::istringstream in(ReadFile("/proc/stat"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  }
  return std::nullopt;
}

void Add(std::string& text, const char* name, const char* type, const char* help,
         std::optional<double> value) {
  if (!value) return;
  char number[64];
  std::snprintf(number, sizeof(number), "%.17g", *value);
  text += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" + name + " " +
          number + "\n";
}

}  // namespace

std::string RenderProcessMetrics() {
  const std::vector<std::string> stat = StatFields();
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  std::optional<double> cpu;
  if (auto utime = Number(stat, 14), stime = Number(stat, 15); utime && stime && ticks > 0) {
    cpu = (*utime + *stime) / ticks;
  }
  std::optional<double> start;
  if (auto since_boot = Number(stat, 22), boot = BootTime(); since_boot && boot && ticks > 0) {
    start = *boot + *since_boot / ticks;
  }
  std::optional<double> rss;
  if (auto pages = Number(stat, 24)) rss = *pages * page;
  std::optional<double> max_fds;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) max_fds = static_cast<double>(limit.rlim_cur);
  const std::string status = ReadFile("/proc/self/status");

  std::string text;
  Add(text, "process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds", cpu);
  Add(text, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes", rss);
  Add(text, "process_resident_memory_peak_bytes", "gauge", "Peak resident memory size (VmHWM) in bytes",
      StatusKb(status, "VmHWM"));
  Add(text, "process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes", Number(stat, 23));
  Add(text, "process_open_fds", "gauge", "Open file descriptors", OpenFds());
  Add(text, "process_max_fds", "gauge", "Maximum number of open file descriptors", max_fds);
  Add(text, "process_threads", "gauge", "Threads of the process", Number(stat, 20));
  Add(text, "process_start_time_seconds", "gauge", "Start time since the Unix epoch, in seconds", start);
  return text;
}

}  // namespace cc::http
