#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "sip_peers.h"  // Deadline, In, ChildProcess, PickFreePort

// Real SMTP servers for tests, on loopback, each delivering into a Maildir in the test's dir:
// - aiosmtpd (Debian's python3-aiosmtpd, always run by /usr/bin/python3, never another python on
//   PATH) writing each accepted mail with X-MailFrom / X-RcptTo headers. Plain, STARTTLS
//   (required before MAIL, aiosmtpd's default with --tlscert) or SMTPS, with a throw-away CA made
//   by the openssl command; optionally AUTH (smtp_auth_server.py, since the aiosmtpd command line
//   cannot ask for it).
// - OpenSMTPD (Debian's opensmtpd), a real MTA: queue, delivery agent, Received / Return-Path /
//   Delivered-To headers.
// Stopped by PID. Nothing here sleeps to synchronize: waits poll with a deadline.
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

// The Maildir a test server delivers into, and that server's log for failure messages.
class Maildir {
 public:
  Maildir() = default;
  // `server` names the server in messages; `log` is its log file.
  Maildir(std::string server, std::string path, std::string log)
      : server_(std::move(server)), path_(std::move(path)), log_(std::move(log)) {}
  const std::string& path() const { return path_; }
  // The end of the server's log.
  std::string LogTail() const;
  // Files of the mails delivered so far (new/), oldest first by name.
  std::vector<std::string> Mails() const;
  // Polls until at least `count` mails are there. Unavailable with the log tail at the deadline.
  Result<std::vector<std::string>> WaitForMails(size_t count, Deadline deadline) const;

 private:
  std::string server_;
  std::string path_;
  std::string log_;
};

class SmtpServer {
 public:
  // Starts aiosmtpd on 127.0.0.1 and a free port; the Maildir is `dir`/maildir, the log
  // `dir`/aiosmtpd.log.
  static Result<std::unique_ptr<SmtpServer>> Start(const std::string& dir,
                                                   const SmtpServerOptions& options = {});
  uint16_t port() const { return port_; }
  const Maildir& inbox() const { return inbox_; }
  const std::string& maildir() const { return inbox_.path(); }
  std::string LogTail() const { return inbox_.LogTail(); }
  void Stop() { process_->Stop(); }

  std::vector<std::string> Mails() const { return inbox_.Mails(); }
  Result<std::vector<std::string>> WaitForMails(size_t count, Deadline deadline) const {
    return inbox_.WaitForMails(count, deadline);
  }

 private:
  uint16_t port_ = 0;
  Maildir inbox_;
  std::unique_ptr<ChildProcess> process_;
};

struct OpenSmtpdOptions {
  SmtpTls tls = SmtpTls::kNone;             // kStartTls: STARTTLS required before MAIL
  const TestCertificates* certs = nullptr;  // required unless kNone
};

// OpenSMTPD (Debian's opensmtpd, /usr/sbin/smtpd) as a real MTA on 127.0.0.1 and a free port. It
// accepts mail for any recipient and its delivery agent writes it into `dir`/maildir, adding
// Received, Return-Path (MAIL FROM) and Delivered-To (RCPT TO) headers.
//
// smtpd's queue (/var/spool/smtpd) and control socket (/var/run/smtpd.sock) are compiled in. So
// that neither meets a system instance's, smtpd runs in mount and PID namespaces of its own
// (unshare) where /var/spool is `dir` and /var/run is `dir`/run: a system smtpd, its queue and
// port 25 are neither used nor disturbed, and instances can run side by side. Its delivery agent
// runs as `nobody` (smtpd refuses to deliver as root), who reaches the Maildir through that
// /var/spool although the test's temp dir is private to root.
//
// TLS: smtpd accepts a key file of mode 0740 at most, so the key is copied into `dir` with mode
// 0600. Debian 12's OpenSMTPD 6.8.0p2 cannot use its key with OpenSSL 3: it offers STARTTLS, but
// every handshake fails ("missing private key" in its log; upstream issues #1171, #1239).
//
// REQUIRES: root (smtpd's privilege separation, the namespaces).
class OpenSmtpd {
 public:
  // Checks the configuration (smtpd -n), starts smtpd in the foreground (-d -v, log
  // `dir`/smtpd.log) and waits until it listens. FailedPrecondition when smtpd is not installed
  // (naming the package) or we are not root; PermissionDenied when namespaces cannot be made
  // (no CAP_SYS_ADMIN); Unavailable with the log tail when it does not start.
  static Result<std::unique_ptr<OpenSmtpd>> Start(const std::string& dir,
                                                  const OpenSmtpdOptions& options = {});
  ~OpenSmtpd();  // Stop()

  uint16_t port() const { return port_; }
  const Maildir& inbox() const { return inbox_; }
  const std::string& maildir() const { return inbox_.path(); }
  std::string LogTail() const { return inbox_.LogTail(); }
  std::vector<std::string> Mails() const { return inbox_.Mails(); }
  Result<std::vector<std::string>> WaitForMails(size_t count, Deadline deadline) const {
    return inbox_.WaitForMails(count, deadline);
  }

  // Stops every process of this instance: SIGTERM to its process group (smtpd and its privsep
  // children), then waits for our child; a delivery agent (which smtpd puts in a session of its
  // own) dies with smtpd's PID namespace. OK once no process of that namespace is left; Internal
  // naming the PIDs killed otherwise. Idempotent.
  Status Stop();

 private:
  OpenSmtpd() = default;

  uint16_t port_ = 0;
  Maildir inbox_;
  // `setsid unshare ... smtpd`: its PID is the process group; smtpd is its only child.
  std::unique_ptr<ChildProcess> process_;
  std::string pid_namespace_;  // smtpd's, as /proc/PID/ns/pid reads: "pid:[4026532...]"
};

// The values of the header fields called `name` (case-insensitive) of the mail file at `path`, in
// order, unfolded, without the leading blank: what an MTA wrote down, like Received or
// Delivered-To. NotFound when the file cannot be read.
Result<std::vector<std::string>> HeaderFields(const std::string& path, std::string_view name);

// What a mail reader makes of one message file: Python's `email` package (policy=default, an
// independent RFC 5322/MIME/RFC 2047 implementation) run by tests/peers/parse_mail.py. Keys:
// subject, from_name, from_address, to, date_unix, message_id, mime_version, auto_submitted,
// x_mailfrom, x_rcptto, content_type, defects (every parser complaint, empty when clean),
// parts: [{content_type, charset, transfer_encoding, content}] (the leaves, decoded).
Result<nlohmann::json> ParseMail(const std::string& path);

}  // namespace secinfo::peers
