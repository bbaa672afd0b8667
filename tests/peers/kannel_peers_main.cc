// kannel_peers: Kannel from tests/peers/kannel_peers.h as a program, for tests written in other
// languages (tests/e2e/delivery.test.mjs).
//
//   kannel_peers --dir DIR [--user U] [--password P]
//                [--smpp-port PORT --smpp-system-id ID --smpp-password PW]
//       Starts bearerbox, smsbox and fakesmsc with their configuration and logs in DIR (with
//       --smpp-port, Kannel binds to that SMPP SMSC instead of fakesmsc, and "env" asks it for
//       delivery receipts: dlr-mask=3 and dlr-url={receipt_url}), prints ONE
//       line of JSON, then holds them until stdin closes (the test ended or died) or
//       SIGTERM/SIGINT/SIGHUP, and stops them by PID (fakesmsc, smsbox, then bearerbox):
//         {"pid":..,"dir":"..","sendsms_url":"http://127.0.0.1:../cgi-bin/sendsms",
//          "env":{"SECINFO_SMS_PROVIDER":"http","SECINFO_SMS_HTTP_URL":"...",...}}
//       "env" is what `secinfo serve` needs to send texts through this Kannel.
//       On a failed start: {"error":"..."} on stdout, the logs' ends on stderr, exit status 1.
//   kannel_peers --messages DIR
//       Prints what the fakesmsc of the Kannel running in DIR received so far, as one JSON array
//       of {"from","to","coding","text"} (text in UTF-8), and exits. Binary payloads ("data"),
//       which is how the parts of a long text show, come as "data_hex" instead of "text", with
//       their user data header as "udh_hex".
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "crypto/encoding.h"
#include "kannel_peers.h"
#include "sip_peers.h"

namespace secinfo::peers {
namespace {

constexpr char kUsage[] =
    "usage: kannel_peers --dir DIR [--user U] [--password P]\n"
    "                    [--smpp-port PORT --smpp-system-id ID --smpp-password PW]\n"
    "       kannel_peers --messages DIR\n";

int PrintMessages(const std::string& dir) {
  nlohmann::json out = nlohmann::json::array();
  for (const FakeSms& m : Kannel::MessagesIn(dir)) {
    nlohmann::json j = {{"from", m.from}, {"to", m.to}, {"coding", m.coding}};
    // Raw bytes ("data", the parts of a long text) as hex: JSON strings hold only UTF-8.
    if (m.coding == "data") {
      j["data_hex"] = crypto::HexEncode(m.text);
    } else {
      j["text"] = m.text;
    }
    if (!m.udh.empty()) j["udh_hex"] = crypto::HexEncode(m.udh);
    out.push_back(std::move(j));
  }
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

int Main(int argc, char** argv) {
  std::string dir;
  std::string user = "secinfo";
  std::string password = "kannel-pw";
  KannelSmpp smpp;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--messages" && has_value) return PrintMessages(argv[++i]);
    if (arg == "--dir" && has_value) {
      dir = argv[++i];
    } else if (arg == "--user" && has_value) {
      user = argv[++i];
    } else if (arg == "--password" && has_value) {
      password = argv[++i];
    } else if (arg == "--smpp-port" && has_value) {
      smpp.port = static_cast<uint16_t>(std::atoi(argv[++i]));
    } else if (arg == "--smpp-system-id" && has_value) {
      smpp.system_id = argv[++i];
    } else if (arg == "--smpp-password" && has_value) {
      smpp.password = argv[++i];
    } else {
      std::fputs(kUsage, stderr);
      return 2;
    }
  }
  if (dir.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  std::filesystem::create_directories(dir);

  // The signals that end us are read through a signalfd; block them before any child starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a test that dies closes our stdout too

  auto kannel = Kannel::Start(dir, user, password, In(std::chrono::milliseconds(20000)), smpp);
  if (!kannel.ok()) {
    std::fprintf(stderr, "kannel_peers: %s\n", kannel.status().ToString().c_str());
    std::printf("%s\n", nlohmann::json({{"error", kannel.status().ToString()}}).dump().c_str());
    return 1;
  }
  // UCS-2 (coding=2) so that accents arrive; smsc= routes to fakesmsc (allowed-smsc-id).
  const std::string url =
      (*kannel)->SendSmsUrl() + "?username=" + user + "&password=" + password +
      "&to={to}&from={from}&text={text}&charset=UTF-8&coding=2&smsc=" + Kannel::smsc_id() +
      (smpp.port != 0 ? "&dlr-mask=3&dlr-url={receipt_url}" : "");
  const nlohmann::json world = {
      {"pid", ::getpid()},
      {"dir", dir},
      {"sendsms_url", (*kannel)->SendSmsUrl()},
      {"env",
       {{"SECINFO_SMS_PROVIDER", "http"},
        {"SECINFO_SMS_HTTP_METHOD", "GET"},
        {"SECINFO_SMS_HTTP_URL", url},
        {"SECINFO_SMS_HTTP_SUCCESS_BODY_CONTAINS", "Accepted for delivery"},
        {"SECINFO_SMS_HTTP_TIMEOUT_SECONDS", "5"}}}};
  std::printf("%s\n", world.dump().c_str());
  std::fflush(stdout);
  const std::string why = WaitForTheEnd(signals);
  std::fprintf(stderr, "kannel_peers: %s, stopping fakesmsc, smsbox, then bearerbox\n",
               why.c_str());
  (*kannel)->Stop();
  return 0;
}

}  // namespace
}  // namespace secinfo::peers

int main(int argc, char** argv) { return secinfo::peers::Main(argc, argv); }
