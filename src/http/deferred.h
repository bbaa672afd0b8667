#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "http/message.h"

namespace secinfo::http {

// A response that a handler sends later, from any thread, so that a request waiting for an event
// (a device's long poll) holds no worker thread. A handler gets one from Request::Defer(), keeps
// it wherever the event will be noticed, returns at once (its returned Response is ignored), and
// calls Complete() when the answer is known.
//
// - The first Complete() wins; later calls do nothing and return false.
// - A Complete() made while the handler is still running is held until it returns, so that
//   layers around the handler can still add their Edit()s (security headers).
// - A handle dropped without Complete() answers 500 and logs an error: a client never waits for
//   a response nobody will send.
//
// Thread-safe.
class DeferredResponse {
 public:
  using Sender = std::function<void(Response)>;

  // `send` writes the response out; it is called once, outside the handle's lock.
  explicit DeferredResponse(Sender send);
  ~DeferredResponse();

  DeferredResponse(const DeferredResponse&) = delete;
  DeferredResponse& operator=(const DeferredResponse&) = delete;

  // Sends `response` (after the edits). False when a response was already given.
  bool Complete(Response response);
  // True once a response was given (sent or held until the handler returns).
  bool completed() const;

  // Applies `edit` to the response before it is sent (in the order added).
  // REQUIRES: called from the thread running the handler, before it returns.
  void Edit(std::function<void(Response&)> edit);

  // For the server: the handler has returned; a response held meanwhile is sent now.
  void HandlerReturned();

 private:
  // Runs the edits and takes the sender. REQUIRES: mu_ held; response_ set.
  std::pair<Sender, Response> TakeForSending();

  mutable std::mutex mu_;
  Sender send_;                                        // guarded by mu_; empty once used
  std::vector<std::function<void(Response&)>> edits_;  // guarded by mu_
  std::optional<Response> response_;                   // guarded by mu_: given, not yet sent
  bool completed_ = false;                             // guarded by mu_
  bool handler_running_ = true;                        // guarded by mu_
};

}  // namespace secinfo::http
