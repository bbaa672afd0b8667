#include "http/deferred.h"

#include <spdlog/spdlog.h>

namespace secinfo::http {

DeferredResponse::DeferredResponse(Sender send) : send_(std::move(send)) {}

DeferredResponse::~DeferredResponse() {
  if (completed_) return;
  spdlog::error("a deferred response was dropped without an answer; sending 500");
  Complete(Response::Text("Internal error", 500));
  HandlerReturned();
}

bool DeferredResponse::Complete(Response response) {
  std::pair<Sender, Response> out;
  {
    std::lock_guard lock(mu_);
    if (completed_) return false;
    completed_ = true;
    response_ = std::move(response);
    if (handler_running_) return true;
    out = TakeForSending();
  }
  if (out.first) out.first(std::move(out.second));
  return true;
}

bool DeferredResponse::completed() const {
  std::lock_guard lock(mu_);
  return completed_;
}

void DeferredResponse::Edit(std::function<void(Response&)> edit) {
  std::lock_guard lock(mu_);
  edits_.push_back(std::move(edit));
}

void DeferredResponse::HandlerReturned() {
  std::pair<Sender, Response> out;
  {
    std::lock_guard lock(mu_);
    handler_running_ = false;
    if (!response_) return;
    out = TakeForSending();
  }
  if (out.first) out.first(std::move(out.second));
}

std::pair<DeferredResponse::Sender, Response> DeferredResponse::TakeForSending() {
  Response r = std::move(*response_);
  response_.reset();
  for (const auto& edit : edits_) edit(r);
  edits_.clear();
  // Moved out, so that what the sender holds (the connection) is released once it has run.
  Sender send = std::move(send_);
  send_ = nullptr;
  return {std::move(send), std::move(r)};
}

}  // namespace secinfo::http
