#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "core/clock.h"

namespace secinfo {

// Runs a job later, off the caller's thread: back-off between attempts without holding a
// request's worker thread. Injected so that tests never wait: FakeScheduler moves a FakeClock and
// runs the job at once. Implementations are thread-safe.
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Runs `job` once, `millis` from now (in order of due time), unless the scheduler is shut down
  // first.
  virtual void After(int64_t millis, std::function<void()> job) = 0;
};

// One thread of its own runs the jobs, one at a time, when they fall due.
class BackgroundScheduler final : public Scheduler {
 public:
  BackgroundScheduler() : thread_([this] { Run(); }) {}
  ~BackgroundScheduler() override { Shutdown(); }

  void After(int64_t millis, std::function<void()> job) override {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      jobs_.emplace(Steady::now() + std::chrono::milliseconds(millis), std::move(job));
    }
    wake_.notify_all();
  }

  // Drops the jobs not yet due, waits for the running one, and joins the thread. Idempotent.
  // REQUIRES: called before what the jobs use is destroyed.
  void Shutdown() {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
      jobs_.clear();
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  using Steady = std::chrono::steady_clock;

  void Run() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
      if (jobs_.empty()) {
        wake_.wait(lock);
        continue;
      }
      auto first = jobs_.begin();
      if (Steady::now() < first->first) {
        wake_.wait_until(lock, first->first);
        continue;
      }
      std::function<void()> job = std::move(first->second);
      jobs_.erase(first);
      lock.unlock();
      job();
      lock.lock();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_;  // signalled when jobs_ changes or stopping_ is set
  std::multimap<Steady::time_point, std::function<void()>> jobs_;  // guarded by mu_
  bool stopping_ = false;                                          // guarded by mu_
  std::thread thread_;
};

// Advances `clock` by the time asked and runs the job at once, on the caller's thread; remembers
// each wait. Thread-safe as FakeClock, except waits(), which tests read once the work is done.
class FakeScheduler final : public Scheduler {
 public:
  explicit FakeScheduler(FakeClock& clock) : clock_(clock) {}
  void After(int64_t millis, std::function<void()> job) override {
    {
      std::lock_guard lock(mu_);
      waits_.push_back(millis);
    }
    clock_.AdvanceMillis(millis);
    job();
  }
  std::vector<int64_t> waits() const {
    std::lock_guard lock(mu_);
    return waits_;
  }

 private:
  FakeClock& clock_;
  mutable std::mutex mu_;
  std::vector<int64_t> waits_;
};

}  // namespace secinfo
