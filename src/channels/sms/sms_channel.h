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

// What a provider heard from the network about a text it sent: a final delivery receipt.
struct SmsReceiptReport {
  std::string_view provider;  // the provider's name(), "smpp"
  std::string message_id;     // as in SendResult::references
  bool delivered = false;     // false: the network gave up (undelivered, expired, rejected...)
  std::string error;          // the provider's words when not delivered ("UNDELIV err:001")
};

// Receives receipts, on a provider's thread: must return quickly. Thread-safe.
class SmsReceiptSink {
 public:
  virtual ~SmsReceiptSink() = default;
  virtual void OnSmsReceipt(const SmsReceiptReport& report) = 0;
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
  // Where final delivery receipts go; nullptr: nowhere. Providers without receipts (the
  // simulated network, HTTP gateways) never call it. When this returns, the previous sink is not
  // being called and will not be. REQUIRES: `sink` outlives its use.
  virtual void SetReceiptSink(SmsReceiptSink* sink) { (void)sink; }
  // OK once the provider accepted the message for delivery; Unavailable when it cannot now.
  Status Send(const SmsMessage& message) { return Deliver(message).status; }
};

}  // namespace secinfo::channels
