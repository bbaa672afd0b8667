#include "channels/sms/http/http_sms.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <utility>

#include "channels/curl.h"
#include "channels/sms/http/http_template.h"
#include "channels/sms/http/receipt_link.h"

namespace secinfo::channels {
namespace {

using http_sms::Encoding;
using http_sms::TemplateValues;

constexpr size_t kMaxAnswerKept = size_t{64} * 1024;  // enough to look for success_body_contains
constexpr size_t kMaxAnswerShown = 200;
constexpr int64_t kHealthFailureMillis = 60'000;
constexpr std::string_view kMasked = "***";
// Shorter secrets would mask ordinary words of an answer; such a password is no secret anyway.
constexpr size_t kMinMaskedLength = 4;
// A reference of ours: 128 random bits, as Random::Token writes them (22 characters).
constexpr size_t kReferenceBytes = 16;
constexpr size_t kMaxReceiptField = 128;  // longer ref or sig fields are none of ours

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

struct UrlParts {
  std::string scheme;     // lower case
  std::string authority;  // host[:port], as written
};

// Splits "scheme://authority/...": enough to check the parts a placeholder must not reach.
Result<UrlParts> SplitUrl(std::string_view url) {
  const size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return Status::InvalidArgument("sms.http.url: must start with http:// or https://");
  }
  UrlParts parts{Lower(url.substr(0, sep)), ""};
  if (parts.scheme != "http" && parts.scheme != "https") {
    return Status::InvalidArgument("sms.http.url: must start with http:// or https://, not " +
                                   parts.scheme + "://");
  }
  std::string_view rest = url.substr(sep + 3);
  parts.authority = std::string(rest.substr(0, rest.find_first_of("/?#")));
  return parts;
}

bool IsLoopbackHost(std::string_view authority) {
  std::string_view host = authority;
  if (host.starts_with('[')) {
    host = host.substr(0, host.find(']') + 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  const std::string h = Lower(host);
  return h == "localhost" || h.starts_with("127.") || h == "[::1]";
}

TemplateValues SampleValues() {
  return {.to = "+33612345678",
          .from = "secinfo",
          .text = "x",
          .receipt_url = "https://id.example/sms/receipt?ref=r&sig=s&status=%d"};
}

bool AsksReceipts(const Config::Sms::Http& h) {
  return h.url.find(http_sms::kReceiptUrlPlaceholder) != std::string::npos ||
         h.body.find(http_sms::kReceiptUrlPlaceholder) != std::string::npos;
}

bool Lists(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

Status ValidateReceiptSettings(const Config::Sms::Http& h) {
  if (!http_sms::IsUrlSafe(h.receipt_status)) {
    return Status::InvalidArgument(
        "sms.http.receipt_status: only letters, digits, '-', '.', '_', '~' and '%' (\"" +
        h.receipt_status + "\")");
  }
  if (h.receipt_delivered.empty()) {
    return Status::InvalidArgument(
        "sms.http.receipt_delivered: the statuses that mean delivered are required with "
        "{receipt_url} (Kannel: [\"1\"])");
  }
  for (const std::string& v : h.receipt_undelivered) {
    if (Lists(h.receipt_delivered, v)) {
      return Status::InvalidArgument("sms.http.receipt_undelivered: \"" + v +
                                     "\" is also in sms.http.receipt_delivered");
    }
  }
  return Status::Ok();
}

// Whether `to` is E.164: '+' then 7 (Niue, Saint Helena) to 15 digits, the first not 0.
bool IsE164(std::string_view to) {
  if (to.size() < 8 || to.size() > 16 || to[0] != '+' || to[1] == '0') return false;
  return std::all_of(to.begin() + 1, to.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence, and makes it one line.
std::string Excerpt(std::string_view s, size_t max) {
  if (s.size() > max) {
    size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
    s = s.substr(0, end);
  }
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = ' ';
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

void ReplaceAll(std::string& s, std::string_view what, std::string_view with) {
  if (what.empty()) return;
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size())) {
    s.replace(at, what.size(), with);
  }
}

size_t KeepAnswer(char* data, size_t size, size_t count, void* user) {
  auto* answer = static_cast<std::string*>(user);
  const size_t n = size * count;
  if (answer->size() < kMaxAnswerKept) {
    answer->append(data, std::min(n, kMaxAnswerKept - answer->size()));
  }
  return n;  // the rest is read and dropped, so the exchange still completes
}

}  // namespace

Status ValidateHttpSmsSettings(const Config::Sms& sms) {
  const Config::Sms::Http& h = sms.http;
  if (h.method != "GET" && h.method != "POST") {
    return Status::InvalidArgument("sms.http.method: must be GET or POST, not \"" + h.method +
                                   "\"");
  }
  if (h.url.empty()) {
    return Status::InvalidArgument("sms.http.url: required when sms.provider is \"http\"");
  }
  auto parts = SplitUrl(h.url);
  if (!parts.ok()) return parts.status();
  if (parts->authority.empty()) return Status::InvalidArgument("sms.http.url: no host");
  if (parts->authority.find('@') != std::string::npos) {
    return Status::InvalidArgument(
        "sms.http.url: no credentials in the URL; use sms.http.auth with sms.http.user and "
        "sms.http.password");
  }
  if (parts->authority.find_first_of("{}") != std::string::npos) {
    return Status::InvalidArgument(
        "sms.http.url: placeholders may appear in the path or query only, not in the host \"" +
        parts->authority + "\"");
  }
  if (parts->authority.find_first_of(" \t") != std::string::npos) {
    return Status::InvalidArgument("sms.http.url: the host \"" + parts->authority +
                                   "\" holds a space");
  }
  // The URL as it will be sent, checked by the parser that will send it.
  const std::string sample = http_sms::Expand(h.url, SampleValues(), Encoding::kPercent);
  {
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), &curl_url_cleanup);
    if (!u) return Status::Internal("libcurl: out of memory");
    if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, sample.c_str(), 0); rc != CURLUE_OK) {
      return Status::InvalidArgument(std::string("sms.http.url: not a valid URL (") +
                                     curl_url_strerror(rc) + ")");
    }
  }
  if (h.method == "GET" && !h.body.empty()) {
    return Status::InvalidArgument(
        "sms.http.body: must be empty with sms.http.method GET (put the values in the URL's "
        "query)");
  }
  if (h.encoding != "form" && h.encoding != "json") {
    return Status::InvalidArgument("sms.http.encoding: must be form or json, not \"" + h.encoding +
                                   "\"");
  }
  if (h.auth != "none" && h.auth != "basic" && h.auth != "bearer") {
    return Status::InvalidArgument("sms.http.auth: must be none, basic or bearer, not \"" + h.auth +
                                   "\"");
  }
  if (h.auth == "basic" && h.user.empty()) {
    return Status::InvalidArgument("sms.http.user: required with sms.http.auth basic");
  }
  if (h.auth == "basic" && h.user.find(':') != std::string::npos) {
    return Status::InvalidArgument("sms.http.user: a basic-auth user cannot contain ':'");
  }
  if (h.auth == "bearer" && h.password.empty()) {
    return Status::InvalidArgument(
        "sms.http.password: the bearer token is required with sms.http.auth bearer");
  }
  if (h.auth != "none" && parts->scheme == "http" && !IsLoopbackHost(parts->authority)) {
    return Status::InvalidArgument(
        "sms.http.url: https:// required to send sms.http.auth credentials to " + parts->authority +
        " (http:// only to this machine)");
  }
  if (h.success_status < 100 || h.success_status > 599) {
    return Status::InvalidArgument("sms.http.success_status: must be 100..599");
  }
  if (h.timeout_seconds < 1 || h.timeout_seconds > 300) {
    return Status::InvalidArgument("sms.http.timeout_seconds: must be 1..300");
  }
  // A gateway given an empty source address refuses the text, or sends it from a number of its
  // choosing: both only show at the first code a person waits for.
  if (sms.sender.empty() &&
      (h.url.find("{from}") != std::string::npos || h.body.find("{from}") != std::string::npos)) {
    return Status::InvalidArgument(
        "sms.sender: required when sms.http.url or sms.http.body sends {from}");
  }
  if (AsksReceipts(h)) return ValidateReceiptSettings(h);
  return Status::Ok();
}

Result<std::unique_ptr<HttpSms>> HttpSms::Create(const Config::Sms& sms) {
  static const SystemClock system_clock;
  return Create(sms, system_clock);
}

Result<std::unique_ptr<HttpSms>> HttpSms::Create(const Config::Sms& sms, const Clock& clock) {
  static SystemRandom system_random;
  return Create(sms, clock, system_random);
}

Result<std::unique_ptr<HttpSms>> HttpSms::Create(const Config::Sms& sms, const Clock& clock,
                                                 Random& random) {
  SECINFO_RETURN_IF_ERROR(ValidateHttpSmsSettings(sms));
  SECINFO_RETURN_IF_ERROR(InitCurlOnce());
  return std::unique_ptr<HttpSms>(new HttpSms(sms, clock, random));
}

HttpSms::HttpSms(const Config::Sms& sms, const Clock& clock, Random& random)
    : config_(sms), clock_(clock), random_(random), asks_receipts_(AsksReceipts(sms.http)) {}

void HttpSms::SetReceiptCallback(ReceiptCallback callback) {
  std::lock_guard lock(callback_mu_);
  callback_ = std::move(callback);
}

std::optional<ReceiptCallback> HttpSms::Callback() const {
  std::lock_guard lock(callback_mu_);
  return callback_;
}

Result<std::optional<SmsReceiptReport>> HttpSms::ReadReceiptCallback(
    const ReceiptFields& fields) const {
  const std::optional<ReceiptCallback> callback = asks_receipts_ ? Callback() : std::nullopt;
  if (!callback) return Status::NotFound("sms.http: no receipts asked for");
  auto field = [&fields](const char* name) {
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second;
  };
  const std::string ref = field("ref");
  const std::string sig = field("sig");
  if (ref.empty() || sig.empty() || ref.size() > kMaxReceiptField ||
      sig.size() > kMaxReceiptField) {
    return Status::InvalidArgument("sms.http: a receipt without our ref and sig");
  }
  if (!http_sms::IsReceiptSigned(callback->key, ref, sig)) {
    return Status::InvalidArgument("sms.http: a receipt whose signature does not match");
  }
  const auto it = fields.find("status");
  if (it == fields.end()) return Status::InvalidArgument("sms.http: a receipt without a status");
  const std::string& status = it->second;
  const Config::Sms::Http& h = config_.http;
  std::optional<SmsReceiptReport> report;  // none: not final (queued, submitted...) or not known
  if (Lists(h.receipt_delivered, status)) {
    report = SmsReceiptReport{name(), ref, true, ""};
  } else if (Lists(h.receipt_undelivered, status)) {
    report = SmsReceiptReport{name(), ref, false, "gateway status " + Excerpt(status, 32)};
  }
  return report;
}

SendResult HttpSms::Deliver(const SmsMessage& message) {
  if (!IsE164(message.to)) {
    return SendResult::Final(Status::InvalidArgument("sms.http: the number \"" +
                                                     Excerpt(message.to, 20) + "\" is not E.164"));
  }
  if (message.text.empty() || !http_sms::IsUtf8(message.text)) {
    return SendResult::Final(Status::InvalidArgument("sms.http: the text is empty or not UTF-8"));
  }
  if (!http_sms::IsUtf8(message.sender)) {
    return SendResult::Final(Status::InvalidArgument("sms.http: the sender is not UTF-8"));
  }
  std::string reference;
  std::string receipt_url;
  if (asks_receipts_) {
    const std::optional<ReceiptCallback> callback = Callback();
    if (!callback) {
      return SendResult::Final(Status::FailedPrecondition(
          "sms.http: the template asks for receipts but no receipt callback is set"));
    }
    reference = random_.Token(kReferenceBytes);
    receipt_url = http_sms::ReceiptLink(*callback, reference, config_.http.receipt_status);
  }
  SendResult result = Post(message, receipt_url);
  if (result.status.ok() && !reference.empty()) result.references = {reference};
  std::lock_guard lock(health_mu_);
  health_ = result.status;
  health_at_millis_ = clock_.NowMillis();
  return result;
}

Status HttpSms::Health() const {
  std::lock_guard lock(health_mu_);
  if (!health_.ok() && clock_.NowMillis() - health_at_millis_ >= kHealthFailureMillis) {
    return Status::Ok();
  }
  return health_;
}

SendResult HttpSms::Post(const SmsMessage& message, std::string_view receipt_url) const {
  const Config::Sms::Http& h = config_.http;
  const std::string host = SplitUrl(h.url)->authority;  // validated by Create
  const TemplateValues values{.to = message.to,
                              .from = message.sender.empty() ? config_.sender : message.sender,
                              .text = message.text,
                              .receipt_url = receipt_url};
  const std::string url = http_sms::Expand(h.url, values, Encoding::kPercent);
  const bool post = h.method == "POST";
  const std::string body =
      post ? http_sms::Expand(h.body, values,
                              h.encoding == "json" ? Encoding::kJson : Encoding::kPercent)
           : std::string();

  CurlHandle curl(curl_easy_init());
  if (!curl) return SendResult::Final(Status::Unavailable("sms.http: libcurl: out of memory"));
  CURL* c = curl.get();
  curl_slist* raw_headers = nullptr;
  auto add_header = [&raw_headers](const std::string& line) {
    if (curl_slist* l = curl_slist_append(raw_headers, line.c_str())) raw_headers = l;
  };
  if (post) {
    add_header(h.encoding == "json" ? "Content-Type: application/json"
                                    : "Content-Type: application/x-www-form-urlencoded");
    add_header("Expect:");  // no 100-continue round trip for larger bodies
  }
  if (h.auth == "bearer") add_header("Authorization: Bearer " + h.password);
  CurlList headers(raw_headers);

  std::string answer;
  char error[CURL_ERROR_SIZE] = "";
  const long timeout_ms = static_cast<long>(h.timeout_seconds) * 1000;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM in a threaded server
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "secinfo");
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &KeepAnswer);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  if (post) {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  } else {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  if (h.auth == "basic") {
    curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
    curl_easy_setopt(c, CURLOPT_USERNAME, h.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, h.password.c_str());
  }

  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    const std::string why = error[0] != '\0' ? error : curl_easy_strerror(rc);
    Status failure = Status::Unavailable("sms.http: " + host + ": " + Mask(why, message.text));
    // Safe to send again only if the request never left: no connection, or a connection that
    // never got as far as the transfer (the gateway cannot have seen the text).
    curl_off_t pretransfer = 0;
    curl_easy_getinfo(c, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
    const bool never_sent = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                            (rc == CURLE_OPERATION_TIMEDOUT && pretransfer == 0);
    return never_sent ? SendResult::Transient(std::move(failure))
                      : SendResult::Final(std::move(failure));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  const bool status_ok =
      h.success_status == 200 ? status >= 200 && status <= 299 : status == h.success_status;
  const bool body_ok =
      h.success_body_contains.empty() || answer.find(h.success_body_contains) != std::string::npos;
  if (status_ok && body_ok) return SendResult::Sent();
  std::string why = "sms.http: " + host + " answered " + std::to_string(status);
  if (status_ok) why += " without \"" + h.success_body_contains + "\"";
  why += ": " + Excerpt(Mask(answer, message.text), kMaxAnswerShown);
  // 429 Too Many Requests (RFC 6585 §4) and 503 Service Unavailable (RFC 9110 §15.6.4) say the
  // request was not handled; any other answer may have come after the text went out.
  const bool not_handled = status == 429 || status == 503;
  return not_handled ? SendResult::Transient(Status::Unavailable(std::move(why)))
                     : SendResult::Final(Status::Unavailable(std::move(why)));
}

// The gateway's answer or curl's error with the message text and the credentials masked, should
// they be echoed: raw, percent-encoded, or as in a JSON string.
std::string HttpSms::Mask(std::string text, std::string_view message_text) const {
  for (std::string_view secret : {message_text, std::string_view(config_.http.password)}) {
    if (secret.size() < kMinMaskedLength) continue;
    ReplaceAll(text, secret, kMasked);
    std::string encoded = http_sms::PercentEncode(secret);
    ReplaceAll(text, encoded, kMasked);
    ReplaceAll(encoded, "%20", "+");  // form encoding as some gateways write it
    ReplaceAll(text, encoded, kMasked);
    const std::string json = http_sms::JsonString(secret);
    ReplaceAll(text, std::string_view(json).substr(1, json.size() - 2), kMasked);
  }
  return text;
}

}  // namespace secinfo::channels
