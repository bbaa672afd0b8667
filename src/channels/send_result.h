#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace secinfo::channels {

// What became of one message handed to an SMS or email provider.
struct SendResult {
  Status status;  // OK once the provider accepted the message
  // Set only on a failure where the peer certainly did not take the message and the cause may
  // pass: the connection was refused or never made, or the peer answered "not now" (SMTP 4xx
  // before the message was accepted, HTTP 429). Sending it again cannot reach the person twice.
  // Never set when the outcome is unknown (a timeout after the message was handed over), nor for
  // refusals that will not change (a bad certificate, a refused password, SMTP 5xx).
  bool retry_safe = false;
  // When sent: the provider's ids of the message, one per part, for providers whose delivery
  // receipts name them (SMPP's message_id); empty otherwise.
  std::vector<std::string> references;

  static SendResult Sent(std::vector<std::string> references = {}) {
    return {Status::Ok(), false, std::move(references)};
  }
  static SendResult Final(Status failure) { return {std::move(failure), false, {}}; }
  static SendResult Transient(Status failure) { return {std::move(failure), true, {}}; }
};

}  // namespace secinfo::channels
