#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "channels/sms/smpp/smpp_pdu.h"
#include "channels/sms/sms_channel.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/result.h"
#include "core/status.h"

namespace secinfo::channels {

namespace smpp {
class OutboundQueue;
class SmppSession;
}  // namespace smpp

// What the SMSC told us through a deliver_sm (transceiver binds only): a delivery receipt for a
// message we sent, or a text a phone sent to our sender.
struct SmsReceipt {
  bool is_receipt = true;  // false: a mobile-originated text
  std::string message_id;  // the SMSC's id of the part it is about (as returned by Submit)
  std::string state;       // "DELIVRD", "UNDELIV", "EXPIRED", "REJECTD", "DELETED", "ACCEPTD",
                           // "ENROUTE", "UNKNOWN"; empty when the SMSC did not say
  std::string error;       // the receipt's err: field ("000"), empty when absent
  std::string from;        // the phone; "+<digits>" when international
  std::string to;          // our sender
  std::string text;        // short_message as UTF-8 (a receipt's own text, or the phone's text)
  int64_t received_at_millis = 0;  // Clock time
};
using SmsReceiptHook = std::function<void(const SmsReceipt&)>;

// Knobs of the SMPP provider that are not operator settings (tests change them).
struct SmppSmsOptions {
  std::chrono::milliseconds send_timeout{10000};      // Send waits this long for the SMSC's OK
  std::chrono::milliseconds connect_timeout{5000};    // TCP connect to the SMSC
  std::chrono::milliseconds response_timeout{10000};  // any response later than this: link dead
  std::chrono::milliseconds initial_backoff{500};     // first reconnect delay; doubles up to
                                                      // sms.smpp.reconnect_max_seconds
  std::chrono::milliseconds throttled_pause{1000};    // submit nothing this long after
                                                      // ESME_RTHROTTLED / ESME_RMSGQFUL
  size_t window = 10;                                 // submit_sm awaiting a response at once
};

// Text messages through an SMSC over SMPP 3.4 (sms.provider = "smpp"). One persistent bind per
// process (sms.smpp.bind: transceiver or transmitter) on a session thread of its own, kept alive
// with enquire_link, rebound after a lost link or refused bind with exponential back-off up to
// sms.smpp.reconnect_max_seconds, and throttled to sms.smpp.max_messages_per_second (at most that
// many submit_sm in any one-second span; the parts of a long message may go at once).
// PDUs are packed by libsmpp34; the TCP session is ours (smpp/smpp_session.h).
//
// Text: GSM 03.38 (data_coding 0) when every character is in the basic set, else UCS-2
// (data_coding 8); long texts are split with a concatenation UDH (smpp/sms_text.h).
// Source address: "+<digits>" → TON 1/NPI 1; otherwise alphanumeric (≤ 11 GSM characters) →
// TON 5/NPI 0. The message's own sender is used when it is a valid source address, else
// sms.sender. Destination: E.164 without '+', TON 1/NPI 1.
//
// A message not yet confirmed when the link drops is submitted again after the next bind; a part
// whose OK submit_sm_resp arrived is never submitted again (smpp/outbound_queue.h).
//
// Delivery receipts (transceiver binds ask for them: registered_delivery 1) and mobile-originated
// texts are answered with deliver_sm_resp, logged, and handed to the receipt hook.
//
// Thread-safe. The destructor unbinds, fails the Sends still waiting, and joins the thread.
class SmppSms final : public SmsChannel {
 public:
  // Validates `sms` (ValidateSmppSettings) and starts the session thread; does not wait for the
  // bind (an SMSC down at start-up is retried; see Health). InvalidArgument naming the setting.
  // `clock` (timestamps of receipts) must outlive the channel.
  static Result<std::unique_ptr<SmppSms>> Create(const Config::Sms& sms, const Clock& clock,
                                                 const SmppSmsOptions& options = {});
  ~SmppSms() override;

  std::string_view name() const override { return "smpp"; }
  // Queues the message and waits (SmppSmsOptions::send_timeout at most) until the SMSC accepted
  // every part. OK then. Unavailable saying why otherwise: the bind was refused, the link is down
  // and did not come back in time, or the SMSC refused a part (throttled: retry later; invalid
  // number; system error...: smpp/smpp_status.h). InvalidArgument for a destination that is not
  // E.164 or a text that is empty, not UTF-8, or longer than 10 parts.
  // Never retry_safe: the session resubmits whatever the SMSC did not take after each rebind, so a
  // failure here is final.
  // On success, SendResult::references holds the SMSC's message_id of each part.
  SendResult Deliver(const SmsMessage& message) override;
  // Same as Send, returning the SMSC's message_id of each part (they key the receipts).
  Result<std::vector<std::string>> Submit(const SmsMessage& message);

  // OK while bound; Unavailable saying why not (connecting, link lost, bind refused and the
  // SMSC's reason). For /readyz.
  Status Health() const override;

  // Receives every deliver_sm, on the session thread, after it was acknowledged: it must return
  // quickly and must not call Send/Submit (they would wait on the thread that runs the hook) nor
  // SetReceiptHook.
  // nullptr: none. When this returns, the previous hook is not running and will not be called.
  void SetReceiptHook(SmsReceiptHook hook);
  // Hands the final receipts (DELIVRD: delivered; UNDELIV, EXPIRED, REJECTD, DELETED: not) to
  // `sink` through the receipt hook; receipts in other states and texts from phones are only
  // logged. Replaces any hook set before.
  void SetReceiptSink(SmsReceiptSink* sink) override;

 private:
  SmppSms(const Config::Sms& sms, const Clock& clock, const SmppSmsOptions& options);
  void OnDeliver(const smpp::DeliverSm& deliver);

  const Config::Sms settings_;
  const Clock& clock_;
  const SmppSmsOptions options_;
  std::atomic<uint32_t> next_reference_;  // concatenation references, one per long message

  std::mutex hook_mu_;  // guards hook_; held while the hook runs
  SmsReceiptHook hook_;

  std::unique_ptr<smpp::OutboundQueue> queue_;
  std::unique_ptr<smpp::SmppSession> session_;  // declared last: its thread stops first
};

// Checks `sms` for the SMPP provider without starting anything: sms.smpp.host (required),
// sms.smpp.port, sms.smpp.system_id (required, ≤ 15), sms.smpp.password (≤ 8),
// sms.smpp.system_type (≤ 12), sms.smpp.bind, the three numeric limits, and sms.sender.
// InvalidArgument naming the first bad setting.
Status ValidateSmppSettings(const Config::Sms& sms);

// The source address for a sender: "+<digits>" (1-15 digits) → international; 1-11 characters
// of the GSM basic set without control characters → alphanumeric. nullopt otherwise.
std::optional<smpp::Address> SmppSourceAddress(std::string_view sender);

}  // namespace secinfo::channels
