#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "sip_peers.h"  // Deadline, In, ChildProcess, PickFreePort

// Kannel 1.4.5 (Debian's `kannel` and `kannel-extras`) as an HTTP SMS gateway for tests, on
// loopback: bearerbox, smsbox with its /cgi-bin/sendsms interface for one sendsms-user, and
// fakesmsc as the SMSC, which prints each message it receives. Configuration, logs and output live
// in a temp dir; the processes are stopped by PID (fakesmsc, smsbox, then bearerbox). Nothing
// here sleeps to synchronize: waits poll a log or a port with a deadline.
namespace secinfo::peers {

// One message as fakesmsc received it.
struct FakeSms {
  std::string from;
  std::string to;
  std::string coding;  // "text", "ucs-2", "data", ...
  std::string text;    // UTF-8 (UCS-2 and url-encoded data decoded); raw bytes for "data"
  // The user data header of one part of a long text (05 00 03 ref total seq), raw; empty for a
  // text that came whole. fakesmsc shows such parts as "data" whatever their coding.
  std::string udh;
};

// An SMPP SMSC for Kannel to bind to instead of fakesmsc (tests/peers/smsc.pl): Kannel binds as a
// transceiver, asks for delivery receipts of the messages sent with a dlr-mask, and calls their
// dlr-url when the SMSC's receipt comes (Kannel's DLR type: 1 delivered, 2 failed...).
struct KannelSmpp {
  uint16_t port = 0;  // 0: fakesmsc instead
  std::string system_id;
  std::string password;
};

class Kannel {
 public:
  // Writes `dir`/kannel.conf with four free loopback ports and starts the three processes (two
  // with `smpp`: no fakesmsc); returns once fakesmsc and smsbox are connected to bearerbox and
  // sendsms answers. With `smpp`, Kannel's bind is the caller's to wait for (the SMSC's log): until
  // then sendsms queues messages ("3: Queued for later delivery"). Logs:
  // `dir`/{bearerbox,smsbox,fakesmsc}.log. Messages reach the SMSC only with smsc=<smsc_id()>.
  static Result<std::unique_ptr<Kannel>> Start(const std::string& dir, const std::string& user,
                                               const std::string& password, Deadline deadline,
                                               const KannelSmpp& smpp = {});
  ~Kannel();  // Stop()

  // http://127.0.0.1:<sendsms-port>/cgi-bin/sendsms
  std::string SendSmsUrl() const;
  static constexpr const char* smsc_id() { return "fake"; }

  // What fakesmsc received so far, oldest first.
  std::vector<FakeSms> Messages() const;
  // Same, for the Kannel started in `dir` (by another process).
  static std::vector<FakeSms> MessagesIn(const std::string& dir);
  // Polls until fakesmsc received at least `count` messages. Unavailable with the logs' ends at
  // the deadline.
  Result<std::vector<FakeSms>> WaitForMessages(size_t count, Deadline deadline) const;
  // The ends of the three logs, for failure messages.
  std::string LogTails() const;

  // Stops fakesmsc only: the gateway still answers, but has no SMSC to hand messages to.
  void StopSmsc();
  // fakesmsc, smsbox, then bearerbox. Idempotent.
  void Stop();

 private:
  Kannel() = default;
  std::string dir_;
  uint16_t sendsms_port_ = 0;
  std::unique_ptr<ChildProcess> bearerbox_;
  std::unique_ptr<ChildProcess> smsbox_;
  std::unique_ptr<ChildProcess> fakesmsc_;
};

// fakesmsc's output lines ("... Got message N: <from to coding data>") as messages; a text with
// line breaks continues on the following lines. Exposed for its unit test.
std::vector<FakeSms> ParseFakesmscOutput(const std::string& output);

}  // namespace secinfo::peers
