#include "channels/sms/smpp/smpp_sms.h"

#include <spdlog/spdlog.h>

#include "channels/sms/smpp/outbound_queue.h"
#include "channels/sms/smpp/smpp_session.h"
#include "channels/sms/smpp/sms_text.h"

namespace secinfo::channels {
namespace {

using smpp::Address;

bool IsE164(std::string_view s) {
  if (s.size() < 3 || s.size() > 16 || s[0] != '+' || s[1] < '1' || s[1] > '9') return false;
  for (char c : s.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// A host name or an IPv4/IPv6 literal; getaddrinfo has the last word.
bool IsHost(const std::string& s) {
  if (s.empty() || s.size() > 253 || s.front() == '.' || s.front() == '-') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '-' || c == ':';
    if (!ok) return false;
  }
  return true;
}

bool IsPrintableAscii(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

Status Bad(const std::string& setting, const std::string& why) {
  return Status::InvalidArgument("setting '" + setting + "': " + why);
}

// Receipt fields are "key:value" words: "id:123 sub:001 dlvrd:001 submit date:... stat:DELIVRD
// err:000 text:...".
std::string ReceiptField(std::string_view text, std::string_view key) {
  size_t at = 0;
  while ((at = text.find(key, at)) != std::string_view::npos) {
    if (at == 0 || text[at - 1] == ' ') {
      const size_t begin = at + key.size();
      const size_t end = text.find(' ', begin);
      return std::string(text.substr(begin, end == std::string_view::npos ? end : end - begin));
    }
    at += key.size();
  }
  return "";
}

// SMPP 3.4 §5.3.2.35 message_state, as a receipt's stat: word.
std::string StateName(uint8_t state) {
  static const char* const kNames[] = {"",        "ENROUTE", "DELIVRD", "EXPIRED", "DELETED",
                                       "UNDELIV", "ACCEPTD", "UNKNOWN", "REJECTD"};
  return state < std::size(kNames) ? kNames[state] : "UNKNOWN";
}

}  // namespace

std::optional<Address> SmppSourceAddress(std::string_view sender) {
  if (!sender.empty() && sender[0] == '+') {
    const std::string_view digits = sender.substr(1);
    if (digits.empty() || digits.size() > 15) return std::nullopt;
    for (char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
    }
    return Address{smpp::kTonInternational, smpp::kNpiIsdn, std::string(digits)};
  }
  auto text = smpp::DecodeUtf8(sender);
  if (!text.ok() || text->empty() || text->size() > 11 || !smpp::IsGsm7(*text)) return std::nullopt;
  for (char32_t c : *text) {
    if (c == U'\n' || c == U'\r') return std::nullopt;
  }
  // The SMSC reads an alphanumeric source_addr as ASCII (it packs it to GSM 7-bit itself): only
  // characters that are both ASCII and GSM keep their meaning.
  for (char32_t c : *text) {
    if (c > 0x7E) return std::nullopt;
  }
  return Address{smpp::kTonAlphanumeric, smpp::kNpiUnknown, std::string(sender)};
}

Status ValidateSmppSettings(const Config::Sms& sms) {
  const auto& s = sms.smpp;
  if (s.host.empty()) return Bad("sms.smpp.host", "required when sms.provider is \"smpp\"");
  if (!IsHost(s.host)) return Bad("sms.smpp.host", "not a host name or IP address");
  if (s.port < 1 || s.port > 65535) return Bad("sms.smpp.port", "must be 1-65535");
  if (s.system_id.empty()) {
    return Bad("sms.smpp.system_id", "required when sms.provider is \"smpp\"");
  }
  if (s.system_id.size() > 15 || !IsPrintableAscii(s.system_id)) {
    return Bad("sms.smpp.system_id", "at most 15 printable ASCII characters (SMPP 3.4)");
  }
  if (s.password.size() > 8 || !IsPrintableAscii(s.password)) {
    return Bad("sms.smpp.password", "at most 8 printable ASCII characters (SMPP 3.4)");
  }
  if (s.system_type.size() > 12 || !IsPrintableAscii(s.system_type)) {
    return Bad("sms.smpp.system_type", "at most 12 printable ASCII characters (SMPP 3.4)");
  }
  if (s.bind != "transceiver" && s.bind != "transmitter") {
    return Bad("sms.smpp.bind", "must be \"transceiver\" or \"transmitter\"");
  }
  if (s.enquire_link_seconds < 1 || s.enquire_link_seconds > 3600) {
    return Bad("sms.smpp.enquire_link_seconds", "must be 1-3600");
  }
  if (s.max_messages_per_second < 1 || s.max_messages_per_second > 10000) {
    return Bad("sms.smpp.max_messages_per_second", "must be 1-10000");
  }
  if (s.reconnect_max_seconds < 1 || s.reconnect_max_seconds > 3600) {
    return Bad("sms.smpp.reconnect_max_seconds", "must be 1-3600");
  }
  if (!SmppSourceAddress(sms.sender)) {
    return Bad("sms.sender",
               "must be \"+<digits>\" or 1-11 letters, digits, spaces or GSM-safe punctuation");
  }
  return Status::Ok();
}

SmppSms::SmppSms(const Config::Sms& sms, const Clock& clock, const SmppSmsOptions& options)
    : settings_(sms),
      clock_(clock),
      options_(options),
      next_reference_(static_cast<uint32_t>(clock.NowMillis())) {}

Result<std::unique_ptr<SmppSms>> SmppSms::Create(const Config::Sms& sms, const Clock& clock,
                                                 const SmppSmsOptions& options) {
  SECINFO_RETURN_IF_ERROR(ValidateSmppSettings(sms));
  std::unique_ptr<SmppSms> self(new SmppSms(sms, clock, options));
  smpp::SmppSession::Settings session;
  session.host = sms.smpp.host;
  session.port = static_cast<uint16_t>(sms.smpp.port);
  session.bind = {sms.smpp.bind == "transceiver", sms.smpp.system_id, sms.smpp.password,
                  sms.smpp.system_type};
  session.connect_timeout = options.connect_timeout;
  session.response_timeout = options.response_timeout;
  session.enquire_link_interval = std::chrono::seconds(sms.smpp.enquire_link_seconds);
  session.initial_backoff = options.initial_backoff;
  session.max_backoff = std::max<std::chrono::milliseconds>(
      options.initial_backoff, std::chrono::seconds(sms.smpp.reconnect_max_seconds));
  session.max_per_second = static_cast<size_t>(sms.smpp.max_messages_per_second);
  session.throttled_pause = options.throttled_pause;
  session.window = std::max<size_t>(1, options.window);

  SmppSms* raw = self.get();
  self->queue_ = std::make_unique<smpp::OutboundQueue>([raw] { raw->session_->Wake(); });
  self->session_ = std::make_unique<smpp::SmppSession>(
      std::move(session), *self->queue_,
      [raw](const smpp::DeliverSm& deliver) { raw->OnDeliver(deliver); });
  SECINFO_RETURN_IF_ERROR(self->session_->Start());
  return self;
}

SmppSms::~SmppSms() {
  if (session_) session_->Stop();
}

SendResult SmppSms::Deliver(const SmsMessage& message) {
  auto ids = Submit(message);
  if (!ids.ok()) return SendResult::Final(ids.status());
  return SendResult::Sent(std::move(*ids));
}

Result<std::vector<std::string>> SmppSms::Submit(const SmsMessage& message) {
  if (!IsE164(message.to)) {
    return Status::InvalidArgument("sms.smpp: destination is not an E.164 number");
  }
  auto source = SmppSourceAddress(message.sender);
  if (!source) source = SmppSourceAddress(settings_.sender);  // validated by Create
  const auto reference = static_cast<uint8_t>(next_reference_.fetch_add(1));
  auto parts = smpp::SplitSms(message.text, reference);
  if (!parts.ok()) return Status::InvalidArgument("sms.smpp: " + parts.status().message());

  std::vector<smpp::SubmitRequest> requests;
  for (smpp::SmsPart& part : *parts) {
    smpp::SubmitRequest r;
    r.source = *source;
    r.destination = {smpp::kTonInternational, smpp::kNpiIsdn, message.to.substr(1)};
    r.esm_class = part.esm_class;
    r.data_coding = part.data_coding;
    r.registered_delivery = settings_.smpp.bind == "transceiver" ? 1 : 0;
    r.short_message = std::move(part.short_message);
    requests.push_back(std::move(r));
  }
  if (session_->BindRefused()) return session_->Health();

  auto ids = queue_->SubmitAndWait(std::move(requests),
                                   std::chrono::steady_clock::now() + options_.send_timeout);
  if (ids.ok()) {
    spdlog::info("sms.smpp: message accepted by the SMSC in {} part(s), first id {}", ids->size(),
                 ids->front());
    return ids;
  }
  std::string why = ids.status().message();
  if (why.rfind("sms.smpp:", 0) != 0) {
    const Status health = session_->Health();
    why = health.ok() ? "sms.smpp: " + why : health.message() + "; " + why;
  }
  spdlog::warn("{}", why);
  return Status::Unavailable(why);
}

Status SmppSms::Health() const { return session_->Health(); }

void SmppSms::SetReceiptHook(SmsReceiptHook hook) {
  std::lock_guard lock(hook_mu_);
  hook_ = std::move(hook);
}

void SmppSms::SetReceiptSink(SmsReceiptSink* sink) {
  if (sink == nullptr) return SetReceiptHook(nullptr);
  SetReceiptHook([sink](const SmsReceipt& r) {
    if (!r.is_receipt || r.message_id.empty()) return;
    const bool delivered = r.state == "DELIVRD";
    const bool undelivered = r.state == "UNDELIV" || r.state == "EXPIRED" || r.state == "REJECTD" ||
                             r.state == "DELETED";
    if (!delivered && !undelivered) return;  // not final, or not about the handset
    sink->OnSmsReceipt(
        {"smpp", r.message_id, delivered, delivered ? "" : r.state + " err:" + r.error});
  });
}

void SmppSms::OnDeliver(const smpp::DeliverSm& d) {
  SmsReceipt r;
  r.is_receipt = (d.esm_class & 0x3C) == 0x04;  // SMSC delivery receipt (§5.2.12)
  r.from = (d.source.ton == smpp::kTonInternational ? "+" : "") + d.source.value;
  r.to = d.destination.value;
  if (d.data_coding == smpp::kDataCodingUcs2) {
    r.text = smpp::DecodeUcs2ToUtf8(d.short_message);
  } else if (d.data_coding == smpp::kDataCodingGsm7 && !r.is_receipt) {
    r.text = smpp::DecodeGsm7ToUtf8(d.short_message);
  } else {
    r.text = d.short_message;  // receipts are ASCII whatever their data_coding says
  }
  if (r.is_receipt) {
    r.message_id = d.receipted_message_id.empty() ? ReceiptField(d.short_message, "id:")
                                                  : d.receipted_message_id;
    r.state = ReceiptField(d.short_message, "stat:");
    if (r.state.empty() && d.message_state) r.state = StateName(*d.message_state);
    r.error = ReceiptField(d.short_message, "err:");
    spdlog::info("sms.smpp: receipt for message {}: {}", r.message_id,
                 r.state.empty() ? "(no state)" : r.state);
  } else {
    spdlog::info("sms.smpp: a phone sent a text to {} ({} octets)", r.to, d.short_message.size());
  }
  r.received_at_millis = clock_.NowMillis();
  std::lock_guard lock(hook_mu_);
  if (hook_) hook_(r);
}

}  // namespace secinfo::channels
