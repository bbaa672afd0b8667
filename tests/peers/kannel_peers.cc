#include "kannel_peers.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

namespace secinfo::peers {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr const char* kBearerbox = "/usr/sbin/bearerbox";
constexpr const char* kSmsbox = "/usr/sbin/smsbox";
constexpr const char* kFakesmsc = "/usr/lib/kannel/test/fakesmsc";  // kannel-extras
// Each box quits within ~150 ms of SIGTERM; once in many runs one took 5 s, so SIGKILL sooner.
constexpr milliseconds kStopGrace(2000);

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Waits until `ready` holds, failing early when `process` exits.
Status WaitFor(const std::function<bool()>& ready, ChildProcess& process, const std::string& what,
               const std::string& log, Deadline deadline) {
  while (!ready()) {
    if (!process.Running()) return Status::Unavailable(what + ": exited. " + Tail(log));
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable(what + ": not ready in time. " + Tail(log));
    }
    PollPause();
  }
  return Status::Ok();
}

std::string UrlDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      const auto hex = [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10);
      };
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// UTF-16 big-endian (UCS-2 as SMSCs carry it) to UTF-8.
std::string Utf16BeToUtf8(std::string_view b) {
  std::string out;
  for (size_t i = 0; i + 1 < b.size(); i += 2) {
    uint32_t u = (static_cast<unsigned char>(b[i]) << 8) | static_cast<unsigned char>(b[i + 1]);
    if (u >= 0xD800 && u <= 0xDBFF && i + 3 < b.size()) {
      const uint32_t lo =
          (static_cast<unsigned char>(b[i + 2]) << 8) | static_cast<unsigned char>(b[i + 3]);
      u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
      i += 2;
    }
    AppendUtf8(out, u);
  }
  return out;
}

// Whether `line` starts like a Kannel log line: "2026-11-25 15:01:07 [".
bool IsLogLine(std::string_view line) {
  return line.size() > 20 && line[4] == '-' && line[7] == '-' && line[10] == ' ' &&
         line[13] == ':' && line[19] == ' ';
}

}  // namespace

std::vector<FakeSms> ParseFakesmscOutput(const std::string& output) {
  std::vector<std::string> lines;
  std::istringstream in(output);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::vector<FakeSms> messages;
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t at = lines[i].find("Got message ");
    if (!IsLogLine(lines[i]) || at == std::string::npos) continue;
    const size_t open = lines[i].find(": <", at);
    if (open == std::string::npos) continue;
    std::string raw = lines[i].substr(open + 3);
    while (i + 1 < lines.size() && !IsLogLine(lines[i + 1])) raw += "\n" + lines[++i];
    if (!raw.empty() && raw.back() == '>') raw.pop_back();
    FakeSms m;
    std::istringstream fields(raw);
    fields >> m.from >> m.to >> m.coding;
    if (m.coding == "udh") {  // "<from> <to> udh <udh> <coding> <data>"
      std::string udh;
      fields >> udh >> m.coding;
      m.udh = UrlDecode(udh);
    }
    std::string data;
    std::getline(fields, data, '\0');
    if (!data.empty() && data.front() == ' ') data.erase(0, 1);
    if (m.coding == "ucs-2") {
      m.text = Utf16BeToUtf8(UrlDecode(data));
    } else if (m.coding == "data") {
      m.text = UrlDecode(data);
    } else {
      m.text = data;
    }
    messages.push_back(std::move(m));
  }
  return messages;
}

Result<std::unique_ptr<Kannel>> Kannel::Start(const std::string& dir, const std::string& user,
                                              const std::string& password, Deadline deadline,
                                              const KannelSmpp& smpp) {
  for (const char* exe : {kBearerbox, kSmsbox, kFakesmsc}) {
    if (!fs::exists(exe)) {
      return Status::FailedPrecondition(std::string(exe) +
                                        " missing: apt-get install kannel kannel-extras");
    }
  }
  std::unique_ptr<Kannel> k(new Kannel());
  k->dir_ = dir;
  fs::create_directories(dir);
  auto base = PickFreePort(4);
  if (!base.ok()) return base.status();
  const std::string admin_port = std::to_string(*base);
  const std::string box_port = std::to_string(*base + 1);
  k->sendsms_port_ = *base + 2;
  const std::string smsc_port = std::to_string(*base + 3);

  // our-host: the fake SMSC listens on loopback only. allowed-smsc-id: messages are routed to it
  // only when they name it (smsc=fake), as a gateway with several SMSCs would be configured.
  const std::string conf = dir + "/kannel.conf";
  {
    std::ofstream out(conf);
    out << "group = core\n"
        << "admin-port = " << admin_port << "\n"
        << "admin-interface = 127.0.0.1\n"
        << "admin-password = " << password << "-admin\n"
        << "admin-allow-ip = 127.0.0.1\n"
        << "smsbox-port = " << box_port << "\n"
        << "smsbox-interface = 127.0.0.1\n"
        << "box-allow-ip = 127.0.0.1\n"
        << "\n"
        << "group = smsbox\n"
        << "bearerbox-host = 127.0.0.1\n"
        << "bearerbox-port = " << box_port << "\n"
        << "sendsms-port = " << k->sendsms_port_ << "\n"
        << "sendsms-interface = 127.0.0.1\n"
        << "\n"
        << "group = sendsms-user\n"
        << "username = " << user << "\n"
        << "password = " << password
        << "\n"
        // Kannel's default is 1: a longer text is cut to one SMS (70 UCS-2 characters), not split.
        << "max-messages = 3\n"
        << "concatenation = true\n"
        << "\n"
        << "group = smsc\n"
        << "smsc-id = " << smsc_id() << "\n"
        << "allowed-smsc-id = " << smsc_id() << "\n";
    if (smpp.port == 0) {
      out << "smsc = fake\n"
          << "port = " << smsc_port << "\n"
          << "our-host = 127.0.0.1\n"
          << "connect-allow-ip = 127.0.0.1\n";
    } else {
      // Kannel 1.4.5 refuses to start an SMPP group without system-type.
      out << "smsc = smpp\n"
          << "host = 127.0.0.1\n"
          << "port = " << smpp.port << "\n"
          << "transceiver-mode = true\n"
          << "smsc-username = " << smpp.system_id << "\n"
          << "smsc-password = " << smpp.password << "\n"
          << "system-type = VMA\n";
    }
    if (!out) return Status::Internal("cannot write " + conf);
  }

  const std::string bb_log = dir + "/bearerbox.log";
  const std::string sb_log = dir + "/smsbox.log";
  const std::string fake_log = dir + "/fakesmsc.log";
  // -v 1: INFO and up, which has the lines waited for below.
  auto bb = ChildProcess::Spawn({kBearerbox, "-v", "1", conf}, bb_log);
  if (!bb.ok()) return bb.status();
  k->bearerbox_ = std::move(*bb);
  // fakesmsc exits when nobody listens on the SMSC port yet.
  SECINFO_RETURN_IF_ERROR(
      WaitFor([&] { return ReadAll(bb_log).find("entering mainloop") != std::string::npos; },
              *k->bearerbox_, "bearerbox", bb_log, deadline));

  if (smpp.port == 0) {
    // -m 0: send no MO message, only print what arrives.
    auto fake = ChildProcess::Spawn(
        {kFakesmsc, "-H", "127.0.0.1", "-r", smsc_port, "-m", "0", "0 0 text unused"}, fake_log);
    if (!fake.ok()) return fake.status();
    k->fakesmsc_ = std::move(*fake);
  }
  auto sb = ChildProcess::Spawn({kSmsbox, "-v", "1", conf}, sb_log);
  if (!sb.ok()) return sb.status();
  k->smsbox_ = std::move(*sb);

  if (k->fakesmsc_) {
    SECINFO_RETURN_IF_ERROR(WaitFor(
        [&] { return ReadAll(bb_log).find("Fakesmsc client connected") != std::string::npos; },
        *k->fakesmsc_, "fakesmsc", fake_log, deadline));
  }
  SECINFO_RETURN_IF_ERROR(WaitFor(
      [&] {
        return ReadAll(sb_log).find("Connected to bearerbox") != std::string::npos &&
               CanConnect(k->sendsms_port_);
      },
      *k->smsbox_, "smsbox", sb_log, deadline));
  return k;
}

Kannel::~Kannel() { Stop(); }

void Kannel::StopSmsc() {
  if (fakesmsc_) fakesmsc_->Stop(kStopGrace);
}

void Kannel::Stop() {
  for (auto* p : {&fakesmsc_, &smsbox_, &bearerbox_}) {
    if (*p) (*p)->Stop(kStopGrace);
  }
}

std::string Kannel::SendSmsUrl() const {
  return "http://127.0.0.1:" + std::to_string(sendsms_port_) + "/cgi-bin/sendsms";
}

std::vector<FakeSms> Kannel::Messages() const { return MessagesIn(dir_); }

std::vector<FakeSms> Kannel::MessagesIn(const std::string& dir) {
  return ParseFakesmscOutput(ReadAll(dir + "/fakesmsc.log"));
}

Result<std::vector<FakeSms>> Kannel::WaitForMessages(size_t count, Deadline deadline) const {
  while (true) {
    std::vector<FakeSms> messages = Messages();
    if (messages.size() >= count) return messages;
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("fakesmsc received " + std::to_string(messages.size()) + " of " +
                                 std::to_string(count) + " messages. " + LogTails());
    }
    PollPause();
  }
}

std::string Kannel::LogTails() const {
  std::string out;
  for (const char* name : {"bearerbox.log", "smsbox.log", "fakesmsc.log"}) {
    out += std::string("\n--- ") + name + "\n" + Tail(dir_ + "/" + name);
  }
  return out;
}

}  // namespace secinfo::peers
