#pragma once

#include <string>
#include <string_view>

#include "channels/send_result.h"
#include "core/status.h"

namespace secinfo::channels {

struct SmsMessage {
  std::string to;      // E.164
  std::string sender;  // what the phone shows as sender
  std::string text;    // UTF-8; the provider picks GSM-7 or UCS-2 and splits long texts
};

// A way to send text messages: the simulated network, SMPP, an HTTP gateway... Knows nothing about
// codes or people. Thread-safe.
class SmsChannel {
 public:
  virtual ~SmsChannel() = default;
  virtual std::string_view name() const = 0;
  // The outcome, and whether it is safe to try again (see SendResult).
  virtual SendResult Deliver(const SmsMessage& message) = 0;
  // OK when the provider can deliver now; Unavailable saying why otherwise. For /readyz.
  virtual Status Health() const { return Status::Ok(); }
  // OK once the provider accepted the message for delivery; Unavailable when it cannot now.
  Status Send(const SmsMessage& message) { return Deliver(message).status; }
};

}  // namespace secinfo::channels
