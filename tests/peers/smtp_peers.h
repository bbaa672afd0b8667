#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "sip_peers.h"  // Deadline, In, ChildProcess, PickFreePort

// A real SMTP server for tests, on loopback: aiosmtpd (Debian's python3-aiosmtpd, always run by
// /usr/bin/python3, never another python on PATH) writing each accepted mail as a Maildir file
// with X-MailFrom / X-RcptTo headers. Plain, STARTTLS (required before MAIL, aiosmtpd's default
// with --tlscert) or SMTPS, with a throw-away CA made by the openssl command; optionally AUTH
// (smtp_auth_server.py, since the aiosmtpd command line cannot ask for it). Stopped by PID.
// Nothing here sleeps to synchronize: waits poll with a deadline.
namespace secinfo::peers {

// A CA and a server certificate it signed (EC P-256, valid 2 days) for 127.0.0.1 and localhost.
struct TestCertificates {
  std::string ca_file;      // PEM, the client's trust anchor
  std::string server_cert;  // PEM
  std::string server_key;   // PEM, unencrypted
};
// Runs `openssl` in `dir` (created if needed).
Result<TestCertificates> MakeTestCertificates(const std::string& dir);

enum class SmtpTls { kNone, kStartTls, kImplicit };

struct SmtpServerOptions {
  SmtpTls tls = SmtpTls::kNone;             // kStartTls: STARTTLS required before MAIL
  const TestCertificates* certs = nullptr;  // required unless kNone
  // Set: AUTH (PLAIN/LOGIN) required as user/password, by smtp_auth_server.py.
  // REQUIRES: kStartTls.
  std::string user;
  std::string password;
};

class SmtpServer {
 public:
  // Starts aiosmtpd on 127.0.0.1 and a free port; the Maildir is `dir`/maildir, the log
  // `dir`/aiosmtpd.log.
  static Result<std::unique_ptr<SmtpServer>> Start(const std::string& dir,
                                                   const SmtpServerOptions& options = {});
  uint16_t port() const { return port_; }
  const std::string& maildir() const { return maildir_; }
  // The end of aiosmtpd's log, for failure messages.
  std::string LogTail() const;
  void Stop() { process_->Stop(); }

  // Files of the mails delivered so far (maildir/new), oldest first by name.
  std::vector<std::string> Mails() const;
  // Polls until at least `count` mails are there. Unavailable with the log tail at the deadline.
  Result<std::vector<std::string>> WaitForMails(size_t count, Deadline deadline) const;

 private:
  uint16_t port_ = 0;
  std::string maildir_;
  std::string log_;
  std::unique_ptr<ChildProcess> process_;
};

// What a mail reader makes of one message file: Python's `email` package (policy=default, an
// independent RFC 5322/MIME/RFC 2047 implementation) run by tests/peers/parse_mail.py. Keys:
// subject, from_name, from_address, to, date_unix, message_id, mime_version, auto_submitted,
// x_mailfrom, x_rcptto, content_type, defects (every parser complaint, empty when clean),
// parts: [{content_type, charset, transfer_encoding, content}] (the leaves, decoded).
Result<nlohmann::json> ParseMail(const std::string& path);

}  // namespace secinfo::peers
