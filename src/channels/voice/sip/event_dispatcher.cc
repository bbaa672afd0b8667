#include "channels/voice/sip/event_dispatcher.h"

#include <signal.h>

namespace secinfo::channels::sip {

EventDispatcher::EventDispatcher(int threads, Deliver deliver, Done done)
    : deliver_(std::move(deliver)), done_(std::move(done)) {
  for (int i = 0; i < threads; ++i) workers_.push_back(std::make_unique<Worker>());
  for (auto& w : workers_) {
    Worker* worker = w.get();
    w->thread = std::thread([this, worker] { Run(*worker); });
  }
}

EventDispatcher::~EventDispatcher() { Stop(); }

void EventDispatcher::Post(const std::string& reference, CallEvent event) {
  Push({reference, std::move(event)});
}

void EventDispatcher::PostDone(const std::string& reference) { Push({reference, std::nullopt}); }

void EventDispatcher::Push(Item item) {
  Worker& w = *workers_[std::hash<std::string>{}(item.reference) % workers_.size()];
  {
    std::lock_guard lock(w.mu);
    if (w.stopping) return;
    w.queue.push_back(std::move(item));
  }
  w.cv.notify_one();
}

void EventDispatcher::Stop() {
  for (auto& w : workers_) {
    {
      std::lock_guard lock(w->mu);
      w->stopping = true;
    }
    w->cv.notify_one();
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void EventDispatcher::Run(Worker& w) {
  // Signals belong to the thread that waits for them (secinfo serve uses sigwait).
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);
  while (true) {
    Item item;
    {
      std::unique_lock lock(w.mu);
      w.cv.wait(lock, [&] { return w.stopping || !w.queue.empty(); });
      if (w.queue.empty()) return;  // stopping and drained
      item = std::move(w.queue.front());
      w.queue.pop_front();
    }
    if (item.event) {
      deliver_(item.reference, *item.event);
    } else {
      done_(item.reference);
    }
  }
}

}  // namespace secinfo::channels::sip
