#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace secinfo {

// Wall-clock time as seconds and milliseconds since the Unix epoch. Everything that expires, rate
// limits or times out asks a Clock, so tests drive time with FakeClock instead of sleeping.
// Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual int64_t NowMillis() const = 0;
  int64_t NowSeconds() const { return NowMillis() / 1000; }
};

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that moves only when told. Thread-safe (guarded by mu_).
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start_millis = 1'700'000'000'000) : now_(start_millis) {}
  int64_t NowMillis() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void AdvanceMillis(int64_t ms) {
    std::lock_guard lock(mu_);
    now_ += ms;
  }
  void AdvanceSeconds(int64_t s) { AdvanceMillis(s * 1000); }

 private:
  mutable std::mutex mu_;
  int64_t now_;
};

}  // namespace secinfo
