#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "http/deferred.h"

namespace secinfo::api {

struct PollWaitOptions {
  std::chrono::milliseconds hold{25'000};    // a poll with nothing to say is answered after this
  std::chrono::milliseconds recheck{1'000};  // parked polls look again this often (other nodes)
  size_t max_per_app = 2;   // parked polls of one app (device); more are refused kTooManyForApp
  size_t max_total = 1024;  // parked polls in all; more are refused kTooMany
};

// Device long polls waiting for a request, parked here instead of on a worker thread. One thread
// of its own wakes a parked poll when told that its app got a request (Wake, from this node) and,
// on a timer, every `recheck` (a request made on another node is only in the shared store); a
// poll still empty after `hold` gets its final answer. Checks run on that thread, one at a time,
// never on a worker.
//
// Thread-safe. The destructor answers every parked poll 503 and joins the thread.
class PollWaiters {
 public:
  // Looks for something to send: the response, or nullopt to keep waiting. With `last` (the
  // hold is over) it must return a response.
  using Check = std::function<std::optional<http::Response>(bool last)>;
  enum class Parked { kYes, kTooManyForApp, kTooMany };

  explicit PollWaiters(PollWaitOptions options);
  ~PollWaiters();

  PollWaiters(const PollWaiters&) = delete;
  PollWaiters& operator=(const PollWaiters&) = delete;

  // Parks a poll of `app`, answered through `out` by the first response `check` gives. It runs a
  // first check at once (on the waiters' thread), so that a request made between the caller's
  // own look and the parking is not missed. Refused, leaving `out` alone, past the limits.
  Parked Park(int64_t app, std::shared_ptr<http::DeferredResponse> out, Check check);
  // `app` got a request: its parked polls check now.
  void Wake(int64_t app);
  // Polls parked now.
  size_t parked() const;

 private:
  struct Waiter {
    int64_t app;
    std::shared_ptr<http::DeferredResponse> out;
    Check check;
    std::chrono::steady_clock::time_point deadline;
  };
  using WaiterPtr = std::shared_ptr<Waiter>;

  void Run();
  // The waiters due for a check now, and when the next one falls due. REQUIRES: mu_ held.
  std::vector<WaiterPtr> Due(std::chrono::steady_clock::time_point now);
  // REQUIRES: mu_ held.
  void Remove(const WaiterPtr& w);

  const PollWaitOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;  // signalled when woken_ grows or stopping_ is set
  std::map<int64_t, std::vector<WaiterPtr>> by_app_;    // guarded by mu_
  size_t total_ = 0;                                    // guarded by mu_
  std::set<int64_t> woken_;                             // guarded by mu_: apps to check now
  std::chrono::steady_clock::time_point next_recheck_;  // guarded by mu_
  bool stopping_ = false;                               // guarded by mu_
  std::thread thread_;
};

}  // namespace secinfo::api
