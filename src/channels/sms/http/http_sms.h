#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "channels/sms/sms_channel.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/random.h"
#include "core/result.h"
#include "core/status.h"

namespace secinfo::channels {

// Texts through an HTTP SMS gateway (sms.provider = "http") with libcurl: one request per
// message, built from the sms.http templates (http/http_template.h says how {to}, {to_digits},
// {from} and {text} are encoded). Enough for, e.g.:
//   - Twilio: POST https://api.twilio.com/2010-04-01/Accounts/<sid>/Messages.json, form body
//     "To={to}&From={from}&Body={text}", basic auth <sid>/<token>;
//   - Vonage: POST https://rest.nexmo.com/sms/json, basic auth <api key>/<api secret>, form body
//     "to={to_digits}&from={from}&text={text}&type=unicode", success_body_contains "message-id"
//     (Vonage answers 200 when it refuses a message too; only an accepted one gets an id);
//   - Kannel: GET http://gw:13013/cgi-bin/sendsms?username=..&password=..&to={to}&from={from}
//     &text={text}&charset=UTF-8&coding=2 (UCS-2, so accents arrive; add &smsc=<id> when the SMSC
//     groups set allowed-smsc-id), success_body_contains "Accepted for delivery": Kannel answers
//     202 "3: Queued for later delivery" when no SMSC is connected, which then counts as a
//     failure, rather than a code that may arrive after it expired.
//
// The request: the method and URL; for POST the body with Content-Type
// application/x-www-form-urlencoded ("form") or application/json ("json"); Authorization Basic
// or Bearer when asked; TLS certificates and host names always verified; redirects never followed
// (a 3xx is a failure); only http and https; everything within sms.http.timeout_seconds.
// Accepted when the status is 2xx (success_status 200) or exactly success_status, AND, when
// success_body_contains is set, the answer contains it.
//
// Delivery receipts: when the URL or body holds {receipt_url}, each message gets a reference of
// ours (random, returned in SendResult::references as SMPP's message ids are) and that placeholder
// the signed link through which the gateway reports on it (http/receipt_link.h; for Kannel,
// "&dlr-mask=3&dlr-url={receipt_url}"). ReadReceiptCallback checks what comes back and reads
// sms.http.receipt_status against sms.http.receipt_delivered / receipt_undelivered.
//
// The message text holds a code: it never appears in a Status or a log line, and neither do the
// expanded URL and body (which carry it, and often a password).
//
// Thread-safe: each Send has its own libcurl handle, so sends run in parallel; the last result
// (Health) is guarded by health_mu_. Send blocks up to sms.http.timeout_seconds.
class HttpSms final : public SmsChannel {
 public:
  // Validates the settings (ValidateHttpSmsSettings) and initializes libcurl once per process. No
  // network traffic: a gateway that is down shows at the first Send.
  // InvalidArgument naming the setting (`sms.http.url`, `sms.http.user`, ...).
  static Result<std::unique_ptr<HttpSms>> Create(const Config::Sms& sms);
  // Same, with the clock that ages Health's failures (tests). `clock` must outlive the channel.
  static Result<std::unique_ptr<HttpSms>> Create(const Config::Sms& sms, const Clock& clock);
  // Same, with the source of receipt references (tests). Both must outlive the channel.
  static Result<std::unique_ptr<HttpSms>> Create(const Config::Sms& sms, const Clock& clock,
                                                 Random& random);

  std::string_view name() const override { return "http"; }

  // OK once the gateway accepted the message (see the success rule above). InvalidArgument, and
  // nothing sent, when `to` is not E.164 ("+" and 7..15 digits) or the text is empty or not UTF-8.
  // Unavailable otherwise, with the reason: curl's error (connection refused, timeout, certificate
  // not trusted, ...), or the HTTP status and the first 200 bytes of the answer (the text, the
  // password and the token, should the gateway echo them, are masked).
  // FailedPrecondition, and nothing sent, when the template asks for receipts and
  // SetReceiptCallback was not called. An empty message.sender uses sms.sender.
  // retry_safe when the request never reached the gateway (connection refused, name not found,
  // connect timeout) or the gateway answered 429 or 503.
  SendResult Deliver(const SmsMessage& message) override;

  // For /readyz: the failure of the last Send that talked (or tried to talk) to the gateway, for
  // 60 seconds after it; OK otherwise, and before the first Send. There is no probe: an SMS API
  // cannot be asked without sending a text. The failure fades because /readyz takes the server
  // out of rotation: a failure held until the next good Send would keep it out for good.
  Status Health() const override;

  void SetReceiptCallback(ReceiptCallback callback) override;
  // `fields`: ref, sig and status, as the link carried them. NotFound unless the template asks
  // for receipts and the callback is set; InvalidArgument for a missing or unsigned ref, or no
  // status; the report for a status listed in sms.http.receipt_delivered (delivered) or
  // receipt_undelivered (not, with "gateway status <status>" as error); nullopt for any other.
  Result<std::optional<SmsReceiptReport>> ReadReceiptCallback(
      const ReceiptFields& fields) const override;

 private:
  HttpSms(const Config::Sms& sms, const Clock& clock, Random& random);
  SendResult Post(const SmsMessage& message, std::string_view receipt_url) const;
  std::string Mask(std::string text, std::string_view message_text) const;
  // The callback, once set; nullopt before.
  std::optional<ReceiptCallback> Callback() const;

  const Config::Sms config_;
  const Clock& clock_;
  Random& random_;
  const bool asks_receipts_;  // the URL or body holds {receipt_url}

  mutable std::mutex callback_mu_;  // guards callback_
  std::optional<ReceiptCallback> callback_;

  mutable std::mutex health_mu_;  // guards health_ and health_at_millis_
  Status health_;
  int64_t health_at_millis_ = 0;
};

// Checks the settings HttpSms needs, without touching the network. InvalidArgument naming the
// first bad one: `sms.http.method` (not GET|POST), `sms.http.url` (missing, not http:// or
// https://, no host, a placeholder or space in the scheme/host/port, credentials in it, or user
// credentials sent in clear text to a remote host), `sms.http.body` (set with GET),
// `sms.http.encoding` (not form|json), `sms.http.auth` (not none|basic|bearer), `sms.http.user`
// (basic without a user, or a ':' in it), `sms.http.password` (bearer without a token),
// `sms.http.success_status` (100..599), `sms.http.timeout_seconds` (1..300), `sms.sender` (empty
// while the template sends {from}); when the template holds {receipt_url}:
// `sms.http.receipt_status` (a character a query cannot hold as is), `sms.http.receipt_delivered`
// (empty), `sms.http.receipt_undelivered` (a value also listed as delivered).
Status ValidateHttpSmsSettings(const Config::Sms& sms);

}  // namespace secinfo::channels
