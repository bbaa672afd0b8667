#include "api/poll_waiters.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace secinfo::api {

using Steady = std::chrono::steady_clock;

PollWaiters::PollWaiters(PollWaitOptions options)
    : options_(options), next_recheck_(Steady::now() + options.recheck) {
  thread_ = std::thread([this] { Run(); });
}

PollWaiters::~PollWaiters() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  for (auto& [app, waiters] : by_app_) {
    for (const WaiterPtr& w : waiters) {
      w->out->Complete(http::Response::Json(R"({"error":"unavailable"})", 503));
    }
  }
}

PollWaiters::Parked PollWaiters::Park(int64_t app, std::shared_ptr<http::DeferredResponse> out,
                                      Check check) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || total_ >= options_.max_total) return Parked::kTooMany;
    std::vector<WaiterPtr>& mine = by_app_[app];
    if (mine.size() >= options_.max_per_app) return Parked::kTooManyForApp;
    mine.push_back(std::make_shared<Waiter>(
        Waiter{app, std::move(out), std::move(check), Steady::now() + options_.hold}));
    ++total_;
    woken_.insert(app);
  }
  wake_.notify_all();
  return Parked::kYes;
}

void PollWaiters::Wake(int64_t app) {
  {
    std::lock_guard lock(mu_);
    if (!by_app_.contains(app)) return;
    woken_.insert(app);
  }
  wake_.notify_all();
}

size_t PollWaiters::parked() const {
  std::lock_guard lock(mu_);
  return total_;
}

std::vector<PollWaiters::WaiterPtr> PollWaiters::Due(Steady::time_point now) {
  const bool everyone = now >= next_recheck_;
  if (everyone) next_recheck_ = now + options_.recheck;
  std::vector<WaiterPtr> due;
  for (const auto& [app, waiters] : by_app_) {
    const bool woken = woken_.contains(app);
    for (const WaiterPtr& w : waiters) {
      if (everyone || woken || now >= w->deadline) due.push_back(w);
    }
  }
  woken_.clear();
  return due;
}

void PollWaiters::Remove(const WaiterPtr& w) {
  auto it = by_app_.find(w->app);
  if (it == by_app_.end()) return;
  auto& waiters = it->second;
  auto found = std::find(waiters.begin(), waiters.end(), w);
  if (found == waiters.end()) return;
  waiters.erase(found);
  --total_;
  if (waiters.empty()) by_app_.erase(it);
}

void PollWaiters::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    Steady::time_point next = next_recheck_;
    for (const auto& [app, waiters] : by_app_) {
      for (const WaiterPtr& w : waiters) next = std::min(next, w->deadline);
    }
    wake_.wait_until(lock, next, [this] { return stopping_ || !woken_.empty(); });
    if (stopping_) return;
    const Steady::time_point now = Steady::now();
    std::vector<WaiterPtr> due = Due(now);
    lock.unlock();
    std::vector<WaiterPtr> answered;
    for (const WaiterPtr& w : due) {
      const bool last = now >= w->deadline;
      std::optional<http::Response> response;
      try {
        response = w->check(last);
      } catch (const std::exception& e) {
        spdlog::error("a device poll's check threw: {}", e.what());
      }
      if (!response && last) response = http::Response::Json(R"({"error":"unavailable"})", 503);
      if (!response) continue;
      w->out->Complete(std::move(*response));
      answered.push_back(w);
    }
    lock.lock();
    for (const WaiterPtr& w : answered) Remove(w);
  }
}

}  // namespace secinfo::api
