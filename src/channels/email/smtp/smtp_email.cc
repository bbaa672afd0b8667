#include "channels/email/smtp/smtp_email.h"

#include <curl/curl.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

#include "channels/curl.h"
#include "channels/email/smtp/mime.h"

namespace secinfo::channels {
namespace {

using std::chrono::steady_clock;

constexpr auto kHealthTtl = std::chrono::seconds(30);
constexpr int64_t kMaxProbeSeconds = 5;
constexpr size_t kMaxReplyLength = 300;

bool IsHostName(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

bool IsIpv6Literal(std::string_view s) {
  return s.find(':') != std::string_view::npos && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
         });
}

bool IsLoopback(std::string_view host) {
  return host == "localhost" || host.starts_with("127.") || host == "::1";
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const unsigned char u = c;
    return u < 0x20 || u == 0x7F;
  });
}

// "[192.0.2.1]" style EHLO address literal, or a host name.
bool IsHeloName(std::string_view s) {
  if (s.size() > 2 && s.front() == '[' && s.back() == ']') {
    s = s.substr(1, s.size() - 2);
    if (s.starts_with("IPv6:")) return IsIpv6Literal(s.substr(5));
    return IsHostName(s);
  }
  return IsHostName(s);
}

Status CheckCaFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::InvalidArgument("email.smtp.ca_file: \"" + path + "\" is not a readable file");
  }
  std::ifstream in(path, std::ios::binary);
  std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    return Status::InvalidArgument("email.smtp.ca_file: cannot read \"" + path + "\"");
  }
  if (pem.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return Status::InvalidArgument("email.smtp.ca_file: no PEM certificate in \"" + path + "\"");
  }
  return Status::Ok();
}

std::string RelayUrl(const Config::Email::Smtp& smtp) {
  std::string url = smtp.tls == "implicit" ? "smtps://" : "smtp://";
  url += IsIpv6Literal(smtp.host) ? "[" + smtp.host + "]" : smtp.host;
  url += ":" + std::to_string(smtp.port) + "/";
  // libcurl sends the URL path, percent-decoded, as the EHLO name.
  for (char c : smtp.helo_name) {
    if (c == '[') {
      url += "%5B";
    } else if (c == ']') {
      url += "%5D";
    } else {
      url += c;
    }
  }
  return url;
}

// State of one libcurl transfer, reached from its callbacks.
struct Transfer {
  std::string_view upload;  // the message, handed out by ReadUpload
  size_t offset = 0;
  std::string refusal;  // the relay's last 4xx/5xx reply line (QUIT's "221" comes after it)
  char errors[CURL_ERROR_SIZE] = "";
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t n = std::min(size * count, t->upload.size() - t->offset);
  std::copy_n(t->upload.data() + t->offset, n, buffer);
  t->offset += n;
  return n;
}

// Keeps the relay's last refusal. Nothing is logged: what we send includes AUTH credentials.
int OnDebug(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  std::string line;
  for (size_t i = 0; i < size && line.size() < kMaxReplyLength; ++i) {
    const unsigned char c = data[i];
    if (c == '\r' || c == '\n') break;
    line += (c >= 0x20 && c < 0x7F) ? static_cast<char>(c) : '?';
  }
  if (line.starts_with('4') || line.starts_with('5')) {
    static_cast<Transfer*>(user)->refusal = std::move(line);
  }
  return 0;
}

// What every connection to the relay shares: TLS policy, certificate checks, credentials,
// timeouts. Returns the first option libcurl refused.
CURLcode SetUp(CURL* curl, const Config::Email::Smtp& smtp, const std::string& url,
               int64_t timeout_seconds, Transfer& t) {
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(curl, option, value);
  };
  set(CURLOPT_URL, url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  set(CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we run on many threads
  set(CURLOPT_ERRORBUFFER, t.errors);
  set(CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout_seconds));
  set(CURLOPT_TIMEOUT, static_cast<long>(timeout_seconds));
  set(CURLOPT_SSL_VERIFYPEER, 1L);
  set(CURLOPT_SSL_VERIFYHOST, 2L);
  set(CURLOPT_USE_SSL, static_cast<long>(smtp.tls == "none" ? CURLUSESSL_NONE : CURLUSESSL_ALL));
  if (!smtp.ca_file.empty()) set(CURLOPT_CAINFO, smtp.ca_file.c_str());
  if (!smtp.user.empty()) {
    set(CURLOPT_USERNAME, smtp.user.c_str());
    set(CURLOPT_PASSWORD, smtp.password.c_str());
  }
  set(CURLOPT_DEBUGFUNCTION, &OnDebug);
  set(CURLOPT_DEBUGDATA, static_cast<void*>(&t));
  set(CURLOPT_VERBOSE, 1L);  // only feeds OnDebug
  return rc;
}

Status Failure(CURLcode code, const Transfer& t, const Config::Email::Smtp& smtp) {
  std::string message = "SMTP relay " + smtp.host + ":" + std::to_string(smtp.port) + ": ";
  message += t.errors[0] != '\0' ? t.errors : curl_easy_strerror(code);
  if (!t.refusal.empty()) message += "; relay said \"" + t.refusal + "\"";
  return Status::Unavailable(std::move(message));
}

// Safe to send again when the relay cannot have taken the mail: no connection at all, or a
// transient refusal (4xx, RFC 5321 §4.2.1), which the relay gives instead of accepting, even
// after DATA. A timeout or a dropped link may come after the relay took it: never retried.
bool RetrySafe(CURLcode code, const Transfer& t) {
  if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST) return true;
  return !t.refusal.empty() && t.refusal[0] == '4';
}

// Ends a CONNECT_ONLY session politely: libcurl would just close it, which relays log as "lost
// connection after EHLO" (and some anti-abuse rules count). Waits up to 1 s for the 221.
void Quit(CURL* curl) {
  size_t sent = 0;
  if (curl_easy_send(curl, "QUIT\r\n", 6, &sent) != CURLE_OK || sent != 6) return;
  curl_socket_t socket = CURL_SOCKET_BAD;
  if (curl_easy_getinfo(curl, CURLINFO_ACTIVESOCKET, &socket) != CURLE_OK ||
      socket == CURL_SOCKET_BAD) {
    return;
  }
  const auto deadline = steady_clock::now() + std::chrono::seconds(1);
  while (true) {
    char reply[512];
    size_t received = 0;
    const CURLcode rc = curl_easy_recv(curl, reply, sizeof reply, &received);
    if (rc != CURLE_AGAIN) return;  // the reply, the close, or an error: done either way
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0) return;
    pollfd p{.fd = socket, .events = POLLIN, .revents = 0};
    ::poll(&p, 1, static_cast<int>(left.count()));
  }
}

}  // namespace

Status ValidateSmtpSettings(const Config::Email& email) {
  const Config::Email::Smtp& smtp = email.smtp;
  if (!smtp::IsValidAddress(email.from_address)) {
    return Status::InvalidArgument(
        "email.from_address: not a plain mail address like secinfo@example.org");
  }
  if (HasControl(email.from_name) || !smtp::IsUtf8(email.from_name)) {
    return Status::InvalidArgument(
        "email.from_name: must be UTF-8 without line breaks or control characters");
  }
  if (smtp.host.empty()) {
    return Status::InvalidArgument("email.smtp.host is required when email.provider is \"smtp\"");
  }
  if (!IsHostName(smtp.host) && !IsIpv6Literal(smtp.host)) {
    return Status::InvalidArgument("email.smtp.host: not a host name or IP address");
  }
  if (smtp.port < 1 || smtp.port > 65535) {
    return Status::InvalidArgument("email.smtp.port: must be 1..65535");
  }
  if (smtp.tls != "none" && smtp.tls != "starttls" && smtp.tls != "implicit") {
    return Status::InvalidArgument(
        "email.smtp.tls: must be \"none\", \"starttls\" or \"implicit\"");
  }
  if (HasControl(smtp.user) || HasControl(smtp.password)) {
    return Status::InvalidArgument("email.smtp.user/password: control characters");
  }
  if (smtp.user.empty() && !smtp.password.empty()) {
    return Status::InvalidArgument("email.smtp.password is set but email.smtp.user is empty");
  }
  if (!smtp.user.empty() && smtp.tls == "none" && !IsLoopback(smtp.host)) {
    return Status::InvalidArgument(
        "email.smtp.user is set with email.smtp.tls = \"none\": the password would cross the "
        "network in clear text; use \"starttls\" or \"implicit\"");
  }
  if (!smtp.ca_file.empty()) SECINFO_RETURN_IF_ERROR(CheckCaFile(smtp.ca_file));
  if (!IsHeloName(smtp.helo_name)) {
    return Status::InvalidArgument(
        "email.smtp.helo_name: must be a host name (or an address literal like [192.0.2.1])");
  }
  if (smtp.timeout_seconds < 1 || smtp.timeout_seconds > 300) {
    return Status::InvalidArgument("email.smtp.timeout_seconds: must be 1..300");
  }
  return Status::Ok();
}

Result<std::unique_ptr<SmtpEmail>> SmtpEmail::Create(const Config::Email& email) {
  SECINFO_RETURN_IF_ERROR(ValidateSmtpSettings(email));
  SECINFO_RETURN_IF_ERROR(InitCurlOnce());
  try {
    return std::unique_ptr<SmtpEmail>(new SmtpEmail(email));
  } catch (const std::exception& e) {  // SystemRandom: libsodium did not initialize
    return Status::Internal(std::string("smtp email: ") + e.what());
  }
}

SmtpEmail::SmtpEmail(const Config::Email& email) : config_(email), url_(RelayUrl(email.smtp)) {}

SendResult SmtpEmail::Deliver(const EmailMessage& message) {
  try {
    smtp::MimeMail mail{
        .from_address = config_.from_address,
        .from_name = config_.from_name.empty() ? message.from_name : config_.from_name,
        .to = message.to,
        .subject = message.subject,
        .text = message.text,
        .html = message.html,
        .date_millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count(),
        .message_id =
            smtp::NewMessageId(random_.Bytes(16), smtp::AddressDomain(config_.from_address)),
        .boundary = smtp::NewBoundary(random_.Bytes(16)),
    };
    Result<std::string> mime = smtp::BuildMime(mail);
    if (!mime.ok()) return SendResult::Final(mime.status());

    CurlHandle curl(curl_easy_init());
    if (!curl) return SendResult::Final(Status::Unavailable("SMTP: libcurl: no handle"));
    Transfer t{.upload = *mime};
    const std::string mail_from = "<" + config_.from_address + ">";
    CurlList rcpt(curl_slist_append(nullptr, ("<" + message.to + ">").c_str()));
    CURLcode rc = SetUp(curl.get(), config_.smtp, url_, config_.smtp.timeout_seconds, t);
    auto set = [&](CURLoption option, auto value) {
      if (rc == CURLE_OK) rc = curl_easy_setopt(curl.get(), option, value);
    };
    set(CURLOPT_MAIL_FROM, mail_from.c_str());
    set(CURLOPT_MAIL_RCPT, rcpt.get());
    set(CURLOPT_UPLOAD, 1L);
    set(CURLOPT_READFUNCTION, &ReadUpload);
    set(CURLOPT_READDATA, static_cast<void*>(&t));
    set(CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime->size()));
    if (rc == CURLE_OK) rc = curl_easy_perform(curl.get());
    if (rc != CURLE_OK) {
      Status failure = Failure(rc, t, config_.smtp);
      // A relay that cannot be reached is down for everyone: /readyz says so at once rather than
      // repeating a success up to 30 s old. A refused recipient says nothing about the relay.
      if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) RecordHealth(failure);
      return {std::move(failure), RetrySafe(rc, t)};
    }
    RecordHealth(Status::Ok());
    return SendResult::Sent();
  } catch (const std::exception& e) {
    return SendResult::Final(Status::Unavailable(std::string("SMTP: ") + e.what()));
  }
}

Status SmtpEmail::Health() const {
  auto cached = [this]() -> std::optional<Status> {
    std::lock_guard lock(health_mu_);
    if (health_at_ != steady_clock::time_point{} && steady_clock::now() - health_at_ < kHealthTtl) {
      return health_;
    }
    return std::nullopt;
  };
  if (auto s = cached()) return *s;
  std::lock_guard probing(probe_mu_);
  if (auto s = cached()) return *s;  // another thread probed while we waited
  Status s = Probe();
  RecordHealth(s);
  return s;
}

// CONNECT_ONLY stops libcurl before the mail transaction but after the protocol connect: greeting,
// EHLO, STARTTLS with certificate check, AUTH. Then we say QUIT ourselves.
Status SmtpEmail::Probe() const {
  try {
    CurlHandle curl(curl_easy_init());
    if (!curl) return Status::Unavailable("SMTP: libcurl could not create a handle");
    Transfer t;
    CURLcode rc = SetUp(curl.get(), config_.smtp, url_,
                        std::min(config_.smtp.timeout_seconds, kMaxProbeSeconds), t);
    if (rc == CURLE_OK) rc = curl_easy_setopt(curl.get(), CURLOPT_CONNECT_ONLY, 1L);
    if (rc == CURLE_OK) rc = curl_easy_perform(curl.get());
    if (rc != CURLE_OK) return Failure(rc, t, config_.smtp);
    Quit(curl.get());
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("SMTP: ") + e.what());
  }
}

void SmtpEmail::RecordHealth(Status status) const {
  std::lock_guard lock(health_mu_);
  health_ = std::move(status);
  health_at_ = steady_clock::now();
}

}  // namespace secinfo::channels
