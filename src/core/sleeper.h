#pragma once

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "core/clock.h"

namespace secinfo {

// Waits, for back-off between attempts. Injected so that tests never sleep: FakeSleeper moves a
// FakeClock instead. Implementations are thread-safe.
class Sleeper {
 public:
  virtual ~Sleeper() = default;
  virtual void SleepMillis(int64_t millis) = 0;
};

class SystemSleeper final : public Sleeper {
 public:
  void SleepMillis(int64_t millis) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(millis));
  }
};

// Advances `clock` by the time asked and remembers each wait. Thread-safe as FakeClock, except
// waits(), which tests read once the work is done.
class FakeSleeper final : public Sleeper {
 public:
  explicit FakeSleeper(FakeClock& clock) : clock_(clock) {}
  void SleepMillis(int64_t millis) override {
    std::lock_guard lock(mu_);
    waits_.push_back(millis);
    clock_.AdvanceMillis(millis);
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
