// The standard Prometheus process metrics of the running process, read from
// /proc/self at each scrape (Linux): process_cpu_seconds_total (user + system),
// process_resident_memory_bytes, process_virtual_memory_bytes,
// process_resident_memory_peak_bytes (VmHWM: what a benchmark reports as peak
// RSS), process_open_fds, process_max_fds, process_threads and
// process_start_time_seconds. A value that cannot be read is left out, never
// invented.
//
// Thread safety: thread-safe (reads only).
#pragma once

#include <string>

namespace cc::http {

// Prometheus text, one "# HELP"/"# TYPE" block per metric.
std::string RenderProcessMetrics();

}  // namespace cc::http
