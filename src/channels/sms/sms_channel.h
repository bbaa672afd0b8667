#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "channels/send_result.h"
#include "core/result.h"
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

// Where a gateway that reports deliveries over HTTP (an HTTP provider whose template holds
// {receipt_url}) calls us back.
struct ReceiptCallback {
  std::string url;  // our route for receipts as the gateway reaches it: "<public URL>/sms/receipt"
  std::string key;  // signs each message's link, and checks it on the way back: the same on every
                    // node, so that any node takes the receipt of a text any node sent
};

// The fields of a request the gateway sent to the receipt callback (query and form body).
using ReceiptFields = std::map<std::string, std::string>;

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
  // simulated network) never call it; HTTP gateways' receipts come through ReadReceiptCallback.
  // When this returns, the previous sink is not being called and will not be. REQUIRES: `sink`
  // outlives its use.
  virtual void SetReceiptSink(SmsReceiptSink* sink) { (void)sink; }
  // Where gateways that report over HTTP call back. Set once at start-up, before the first
  // Deliver; a provider that asks its gateway for receipts refuses to send until then. Others
  // ignore it.
  virtual void SetReceiptCallback(ReceiptCallback callback) { (void)callback; }
  // Reads a receipt the gateway sent to the callback, without recording anything: the report
  // when the status is final (delivered or not), nullopt for a status that is not (queued,
  // submitted, unknown). InvalidArgument for a request this provider did not sign (a forged or
  // altered link, missing fields). NotFound when this provider takes no callbacks. Thread-safe.
  virtual Result<std::optional<SmsReceiptReport>> ReadReceiptCallback(
      const ReceiptFields& fields) const {
    (void)fields;
    return Status::NotFound("this SMS provider takes no receipt callbacks");
  }
  // OK once the provider accepted the message for delivery; Unavailable when it cannot now.
  Status Send(const SmsMessage& message) { return Deliver(message).status; }
};

}  // namespace secinfo::channels
