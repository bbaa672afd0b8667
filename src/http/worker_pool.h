#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace secinfo::http {

// A fixed set of threads that run submitted jobs in FIFO order. The queue of jobs waiting for a
// thread is bounded: TrySubmit refuses work when it is full, so a flood of requests is answered
// 503 instead of growing memory and latency without limit.
//
// Thread-safe: every method may be called from any thread, except that Shutdown() must not be
// called from one of the pool's own jobs (it would wait for itself).
class WorkerPool {
 public:
  // REQUIRES: threads >= 1, max_queued >= 1.
  WorkerPool(int threads, size_t max_queued);
  ~WorkerPool();  // Shutdown()

  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Queues `job`. Returns false, dropping the job, when max_queued jobs are already waiting or
  // the pool is shutting down. A job that throws is logged and the thread carries on.
  bool TrySubmit(std::function<void()> job);

  // Refuses new jobs, runs those already queued, then joins the threads. Idempotent.
  void Shutdown();

  // Jobs waiting for a thread (not counting running ones).
  size_t queued() const;

 private:
  void Run();

  const size_t max_queued_;
  mutable std::mutex mu_;
  std::condition_variable wake_;             // signalled when queue_ grows or stopping_ is set
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;         // guarded by mu_ (moved out by Shutdown)
};

}  // namespace secinfo::http
