#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "channels/email/email_channel.h"
#include "core/config.h"
#include "core/random.h"
#include "core/result.h"
#include "core/status.h"

namespace secinfo::channels {

// Mail through an SMTP relay (email.provider = "smtp") with libcurl: one connection per message
// (EHLO, STARTTLS or SMTPS, AUTH when a user is set, MAIL FROM, RCPT TO, DATA, QUIT). The message
// is built by smtp/mime.h: multipart/alternative (text/plain + text/html, quoted-printable UTF-8),
// RFC 2047 Subject and From name, Date, Message-ID at the from domain.
//
// TLS: "starttls" refuses to go on without STARTTLS (CURLUSESSL_ALL), "implicit" speaks SMTPS
// from the first byte, "none" is plain text (a relay on the same host). Certificates are always
// verified, against email.smtp.ca_file when set, the system's CAs otherwise.
//
// Thread-safe: each Send has its own libcurl handle, so sends run in parallel; Health's cache is
// guarded by health_mu_. Send blocks up to email.smtp.timeout_seconds.
class SmtpEmail final : public EmailChannel {
 public:
  // Validates the settings (ValidateSmtpSettings) and initializes libcurl once per process. No
  // network traffic: a relay that is down at start-up is reported by Health and Send, not here.
  // InvalidArgument naming the setting (`email.smtp.host`, `email.from_address`, ...).
  static Result<std::unique_ptr<SmtpEmail>> Create(const Config::Email& email);

  std::string_view name() const override { return "smtp"; }

  // OK once the relay accepted the message (250 after DATA). InvalidArgument when the message
  // cannot be a safe mail: `to` is not a plain address, the subject or a name holds CR/LF or
  // another control character, or a text is not UTF-8 (nothing is sent). Unavailable with the
  // reason (curl's and the relay's last reply, e.g. `550 5.1.1 ...`) for anything else:
  // connection refused, timeout, certificate not trusted, STARTTLS missing, AUTH refused, ...
  // retry_safe when no connection was made or the relay answered 4xx (see RetrySafe in the .cc).
  SendResult Deliver(const EmailMessage& message) override;

  // For /readyz. OK when a send succeeded or a probe passed in the last 30 seconds, unless a send
  // could not reach the relay since (that failure is then the answer for 30 seconds); otherwise
  // probes: connects, reads the greeting, EHLO, STARTTLS/TLS with certificate check, AUTH when
  // configured, QUIT, with a timeout of at most 5 seconds, and no mail. A failed probe is cached
  // for 30 seconds too, so a busy /readyz does not hammer the relay. Unavailable with the reason.
  // Why not "the last send's result": a server taken out of rotation would never send again,
  // so it could never recover; and a recipient refused by the relay says nothing about its health.
  Status Health() const override;

 private:
  explicit SmtpEmail(const Config::Email& email);
  Status Probe() const;
  void RecordHealth(Status status) const;

  const Config::Email config_;
  const std::string url_;  // smtp[s]://host:port/helo-name
  SystemRandom random_;    // Message-ID and MIME boundary

  mutable std::mutex probe_mu_;   // one probe at a time; held across the network
  mutable std::mutex health_mu_;  // guards health_ and health_at_
  mutable Status health_;
  mutable std::chrono::steady_clock::time_point health_at_{};  // epoch: never checked
};

// Checks the settings SmtpEmail needs, without touching the network. InvalidArgument naming the
// first bad one: `email.from_address` (not a plain address), `email.from_name` (control
// characters), `email.smtp.host` (missing or not a host name/IP), `email.smtp.port`,
// `email.smtp.tls` (not none|starttls|implicit), `email.smtp.user`/`password` (a password without
// a user, or a password in clear text to a remote host), `email.smtp.ca_file` (unreadable or no
// PEM certificate), `email.smtp.helo_name`, `email.smtp.timeout_seconds` (1..300, like
// Config::Load).
Status ValidateSmtpSettings(const Config::Email& email);

}  // namespace secinfo::channels
