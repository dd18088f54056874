// WorkerPool: a fixed set of threads running queued jobs (signature verification
// fans out here so it uses every core while the replica thread stays free).
//
// The queue is bounded: TrySubmit returns false when it is full, which the caller
// turns into back-pressure (HTTP 503) instead of unbounded memory.
//
// Thread safety: TrySubmit may be called from any thread. The destructor drains
// nothing: jobs still queued are dropped after Stop().
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace cc::node {

class WorkerPool {
 public:
  WorkerPool(size_t threads, size_t max_queue);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool TrySubmit(std::function<void()> job);
  void Stop();

 private:
  void Run();
  const size_t max_queue_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cc::node
