#pragma once

#include "channels/email/email_channel.h"
#include "core/clock.h"
#include "store/store.h"

namespace secinfo::channels {

// Mail delivered to the simulated inboxes (/sim/inbox): for demos and evaluation.
class SimulatedEmail final : public EmailChannel {
 public:
  SimulatedEmail(store::SimMessageStore& messages, const Clock& clock)
      : messages_(messages), clock_(clock) {}
  std::string_view name() const override { return "simulated"; }
  // A store failure is final: the message may be stored already.
  SendResult Deliver(const EmailMessage& m) override {
    store::SimMessage out{.channel = "email",
                          .recipient = m.to,
                          .sender = m.from_name,
                          .subject = m.subject,
                          .body = m.text,
                          .html = m.html,
                          .created_at = clock_.NowMillis()};
    return {messages_.Create(out).status()};
  }

 private:
  store::SimMessageStore& messages_;
  const Clock& clock_;
};

}  // namespace secinfo::channels
