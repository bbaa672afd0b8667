#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "channels/voice/voice_channel.h"

namespace secinfo::channels::sip {

// Delivers call events on threads of its own, so that the SIP thread never waits for the sink:
// the flows write each event to the store (milliseconds on SQLite, a round trip on PostgreSQL),
// and a SIP thread blocked there would stall the 20 ms audio of every other call.
//
// Each reference is always handled by the same worker (chosen by hashing it), so the events of
// one call keep their order; different calls proceed in parallel. Thread-safe.
class EventDispatcher {
 public:
  using Deliver = std::function<void(const std::string& reference, const CallEvent& event)>;
  using Done = std::function<void(const std::string& reference)>;

  // REQUIRES: threads >= 1.
  EventDispatcher(int threads, Deliver deliver, Done done);
  ~EventDispatcher();  // Stop()

  void Post(const std::string& reference, CallEvent event);
  // Calls done(reference) once every event posted before it for `reference` was delivered.
  void PostDone(const std::string& reference);
  // Delivers what is queued, then joins the workers. Later posts are dropped. Idempotent.
  void Stop();

 private:
  struct Item {
    std::string reference;
    std::optional<CallEvent> event;  // empty: done marker
  };
  struct Worker {
    std::mutex mu;  // guards queue and stopping
    std::condition_variable cv;
    std::deque<Item> queue;
    bool stopping = false;
    std::thread thread;
  };

  void Push(Item item);
  void Run(Worker& w);

  const Deliver deliver_;
  const Done done_;
  std::vector<std::unique_ptr<Worker>> workers_;
};

}  // namespace secinfo::channels::sip
