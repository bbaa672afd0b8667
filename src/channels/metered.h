#pragma once

#include <string_view>
#include <utility>

#include "channels/email/email_channel.h"
#include "channels/sms/sms_channel.h"
#include "channels/voice/voice_channel.h"

// Channels that count what they hand to the provider they wrap in
// secinfo_deliveries_total{channel, provider, outcome} (core/metrics.h), and otherwise pass every
// call through. Outcomes: "sent" (the provider took the message), "failed_retry_safe" (it
// certainly did not, and trying again is safe), "failed"; for calls, "placed" or "failed".
// Thread-safe as the wrapped channel is. REQUIRES: the wrapped channel outlives the wrapper.
namespace secinfo::channels {

class MeteredSms final : public SmsChannel {
 public:
  explicit MeteredSms(SmsChannel& inner) : inner_(inner) {}
  std::string_view name() const override { return inner_.name(); }
  SendResult Deliver(const SmsMessage& message) override;
  Status Health() const override { return inner_.Health(); }
  void SetReceiptSink(SmsReceiptSink* sink) override { inner_.SetReceiptSink(sink); }
  void SetReceiptCallback(ReceiptCallback callback) override {
    inner_.SetReceiptCallback(std::move(callback));
  }
  Result<std::optional<SmsReceiptReport>> ReadReceiptCallback(
      const ReceiptFields& fields) const override {
    return inner_.ReadReceiptCallback(fields);
  }

 private:
  SmsChannel& inner_;
};

class MeteredEmail final : public EmailChannel {
 public:
  explicit MeteredEmail(EmailChannel& inner) : inner_(inner) {}
  std::string_view name() const override { return inner_.name(); }
  SendResult Deliver(const EmailMessage& message) override;
  Status Health() const override { return inner_.Health(); }

 private:
  EmailChannel& inner_;
};

class MeteredVoice final : public VoiceChannel {
 public:
  explicit MeteredVoice(VoiceChannel& inner) : inner_(inner) {}
  std::string_view name() const override { return inner_.name(); }
  void SetEventSink(CallEventSink* sink) override { inner_.SetEventSink(sink); }
  Status PlaceCall(const CallRequest& request) override;
  Status HangUp(std::string_view reference) override { return inner_.HangUp(reference); }
  bool CanSay() const override { return inner_.CanSay(); }
  Status Say(std::string_view reference, std::string prompt, std::string locale) override {
    return inner_.Say(reference, std::move(prompt), std::move(locale));
  }
  Status Health() const override { return inner_.Health(); }

 private:
  VoiceChannel& inner_;
};

}  // namespace secinfo::channels
