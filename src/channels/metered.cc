#include "channels/metered.h"

#include "core/metrics.h"

namespace secinfo::channels {
namespace {

std::string_view Outcome(const SendResult& r) {
  if (r.status.ok()) return "sent";
  return r.retry_safe ? "failed_retry_safe" : "failed";
}

}  // namespace

SendResult MeteredSms::Deliver(const SmsMessage& message) {
  SendResult r = inner_.Deliver(message);
  metrics::Deliveries().Add({"sms", inner_.name(), Outcome(r)});
  return r;
}

SendResult MeteredEmail::Deliver(const EmailMessage& message) {
  SendResult r = inner_.Deliver(message);
  metrics::Deliveries().Add({"email", inner_.name(), Outcome(r)});
  return r;
}

Status MeteredVoice::PlaceCall(const CallRequest& request) {
  Status s = inner_.PlaceCall(request);
  metrics::Deliveries().Add({"voice", inner_.name(), s.ok() ? "placed" : "failed"});
  return s;
}

}  // namespace secinfo::channels
