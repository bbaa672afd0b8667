#pragma once

#include "channels/sms/sms_channel.h"
#include "core/clock.h"
#include "store/store.h"

namespace secinfo::channels {

// Texts delivered to the simulated phone network: each appears on its phone's page (/sim).
class SimulatedSms final : public SmsChannel {
 public:
  SimulatedSms(store::SimMessageStore& messages, const Clock& clock)
      : messages_(messages), clock_(clock) {}
  std::string_view name() const override { return "simulated"; }
  // A store failure is final: the message may be stored already.
  SendResult Deliver(const SmsMessage& m) override {
    store::SimMessage out{.channel = "sms",
                          .recipient = m.to,
                          .sender = m.sender,
                          .body = m.text,
                          .created_at = clock_.NowMillis()};
    return {messages_.Create(out).status()};
  }

 private:
  store::SimMessageStore& messages_;
  const Clock& clock_;
};

}  // namespace secinfo::channels
