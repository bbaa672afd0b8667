#include "sip_peers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#ifndef SECINFO_PEERS_DIR
#error "SECINFO_PEERS_DIR must name tests/peers (the templates)"
#endif

extern char** environ;

namespace secinfo::peers {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

Status WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  return out ? Status::Ok() : Status::Internal("cannot write " + path);
}

bool Bindable(int type, uint16_t port) {
  int fd = ::socket(AF_INET, type, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  ::close(fd);
  return ok;
}

std::string StripAnsi(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b') {
      while (i < s.size() && s[i] != 'm') ++i;
      continue;
    }
    out += s[i];
  }
  return out;
}

}  // namespace

std::string Tail(const std::string& path, size_t n) {
  auto text = ReadText(path);
  if (!text.ok()) return "";
  return text->size() > n ? text->substr(text->size() - n) : *text;
}

void PollPause() { std::this_thread::sleep_for(milliseconds(20)); }

bool PollUntil(const std::function<bool()>& done, Deadline deadline) {
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    PollPause();
  }
  return true;
}

bool CanConnect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  ::close(fd);
  return ok;
}

std::string Substitute(std::string text,
                       const std::vector<std::pair<std::string, std::string>>& values) {
  for (const auto& [key, value] : values) {
    const std::string word = "@" + key + "@";
    for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at)) {
      text.replace(at, word.size(), value);
      at += value.size();
    }
  }
  return text;
}

Result<uint16_t> PickFreePort(int span) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(a);
    const bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0 &&
                       ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0;
    ::close(fd);
    if (!bound) continue;
    uint16_t port = ntohs(a.sin_port);
    if (port + span > 65535) continue;
    bool free = true;
    for (int i = 0; i < span && free; ++i) {
      free = Bindable(SOCK_STREAM, port + i) && Bindable(SOCK_DGRAM, port + i);
    }
    if (free) return port;
  }
  return Status::Unavailable("no free loopback port");
}

// ---- processes -----------------------------------------------------------------------------

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(const std::vector<std::string>& argv,
                                                          const std::string& log) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return Status::Unavailable("cannot start " + argv[0] + ": error " + std::to_string(rc));
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid));
}

ChildProcess::~ChildProcess() { Stop(); }

bool ChildProcess::Running() {
  if (reaped_) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) reaped_ = true;
  return !reaped_;
}

void ChildProcess::Stop(milliseconds grace) {
  if (!Running()) return;
  ::kill(pid_, SIGTERM);
  Deadline deadline = In(grace);
  while (Running() && std::chrono::steady_clock::now() < deadline) PollPause();
  if (Running()) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    reaped_ = true;
  }
}

// ---- kamailio ------------------------------------------------------------------------------

Result<std::unique_ptr<Kamailio>> Kamailio::Start(const std::string& dir, const std::string& user,
                                                  const std::string& password, int children) {
  auto k = std::make_unique<Kamailio>();
  auto port = PickFreePort();
  if (!port.ok()) return port.status();
  k->port_ = *port;
  auto tmpl = ReadText(std::string(SECINFO_PEERS_DIR) + "/kamailio.cfg.in");
  if (!tmpl.ok()) return tmpl.status();
  fs::create_directories(dir);
  const std::string cfg = dir + "/kamailio.cfg";
  SECINFO_RETURN_IF_ERROR(
      WriteText(cfg, Substitute(*tmpl, {{"PORT", std::to_string(k->port_)},
                                        {"AUTH_USER", user},
                                        {"AUTH_PASSWORD", password},
                                        {"CHILDREN", std::to_string(children)}})));
  const std::string log = dir + "/kamailio.log";
  // -DD: stay in the foreground (the PID we hold is kamailio's); -E: log to stderr;
  // -Y: runtime files in our dir, not /run/kamailio.
  auto p = ChildProcess::Spawn(
      {"kamailio", "-f", cfg, "-DD", "-E", "-Y", dir, "-w", dir, "-m", "64", "-M", "8"}, log);
  if (!p.ok()) return p.status();
  k->process_ = std::move(*p);
  // Its UDP and TCP sockets are bound before it accepts TCP connections.
  Deadline deadline = In(milliseconds(10000));
  while (!CanConnect(k->port_)) {
    if (!k->process_->Running()) {
      return Status::Unavailable("kamailio exited at start: " + Tail(log));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("kamailio does not listen on " + std::to_string(k->port_));
    }
    PollPause();
  }
  return k;
}

// ---- ctrl_tcp ------------------------------------------------------------------------------

Result<std::unique_ptr<CtrlTcp>> CtrlTcp::Connect(uint16_t port, Deadline deadline) {
  while (true) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
      return std::unique_ptr<CtrlTcp>(new CtrlTcp(fd));
    }
    ::close(fd);
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("ctrl_tcp on port " + std::to_string(port) + " does not answer");
    }
    PollPause();
  }
}

CtrlTcp::~CtrlTcp() { ::close(fd_); }

Result<std::string> CtrlTcp::ReadNetstring(Deadline deadline) {
  while (true) {
    size_t colon = buffer_.find(':');
    if (colon != std::string::npos) {
      size_t len = std::stoul(buffer_.substr(0, colon));
      if (buffer_.size() >= colon + 1 + len + 1) {
        std::string body = buffer_.substr(colon + 1, len);
        buffer_.erase(0, colon + 1 + len + 1);  // the trailing ','
        return body;
      }
    }
    auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Status::Unavailable("ctrl_tcp: no answer in time");
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return Status::Unavailable("ctrl_tcp: connection closed");
    buffer_.append(buf, static_cast<size_t>(n));
  }
}

Result<std::string> CtrlTcp::Command(std::string_view command, std::string_view params,
                                     milliseconds timeout) {
  const std::string token = "t" + std::to_string(next_token_++);
  nlohmann::json j = {{"command", command}, {"token", token}};
  if (!params.empty()) j["params"] = params;
  const std::string body = j.dump();
  const std::string frame = std::to_string(body.size()) + ":" + body + ",";
  if (::send(fd_, frame.data(), frame.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(frame.size())) {
    return Status::Unavailable("ctrl_tcp: send failed");
  }
  Deadline deadline = In(timeout);
  while (true) {
    auto msg = ReadNetstring(deadline);
    if (!msg.ok()) return msg.status();
    auto parsed = nlohmann::json::parse(*msg, nullptr, false);
    if (parsed.is_discarded() || !parsed.value("response", false)) continue;  // an event
    if (parsed.value("token", "") != token) continue;
    std::string data = parsed.value("data", "");
    if (!parsed.value("ok", false)) {
      return Status::FailedPrecondition("baresip " + std::string(command) + ": " + data);
    }
    return data;
  }
}

// ---- phones --------------------------------------------------------------------------------

Result<std::unique_ptr<Phone>> Phone::Start(const std::string& dir, uint16_t registrar_port,
                                            const PhoneOptions& options, Deadline deadline) {
  auto phone = std::unique_ptr<Phone>(new Phone());
  phone->registrar_port_ = registrar_port;
  phone->record_dir_ = dir + "/recordings";
  fs::create_directories(phone->record_dir_);
  // SIP port and SIP port + 1 (baresip's TLS listener); ctrl_tcp elsewhere.
  auto sip_port = PickFreePort(2);
  if (!sip_port.ok()) return sip_port.status();
  auto ctrl_port = PickFreePort();
  if (!ctrl_port.ok()) return ctrl_port.status();
  if (*ctrl_port == *sip_port || *ctrl_port == *sip_port + 1) {
    ctrl_port = PickFreePort();
    if (!ctrl_port.ok()) return ctrl_port.status();
  }
  auto tmpl = ReadText(std::string(SECINFO_PEERS_DIR) + "/baresip.config.in");
  if (!tmpl.ok()) return tmpl.status();
  SECINFO_RETURN_IF_ERROR(
      WriteText(dir + "/config",
                Substitute(*tmpl, {{"MAX_CALLS", std::to_string(options.max_calls)},
                                   {"SIP_PORT", std::to_string(*sip_port)},
                                   {"CTRL_PORT", std::to_string(*ctrl_port)},
                                   // Away from SipVoice's 16384-32767; baresip retries taken ports.
                                   {"RTP_PORTS", "33000-60999"},
                                   {"SNDFILE", options.record ? "module\t\t\tsndfile.so" : ""},
                                   {"SND_PATH", phone->record_dir_}})));
  std::string accounts;
  for (const std::string& number : options.numbers) {
    accounts += "<" + phone->Aor(number) +
                ">;regint=3600;answermode=" + (options.auto_answer ? "auto" : "manual") +
                ";audio_codecs=PCMU\n";
  }
  SECINFO_RETURN_IF_ERROR(WriteText(dir + "/accounts", accounts));

  const std::string log = dir + "/baresip.log";
  auto p = ChildProcess::Spawn({"baresip", "-f", dir}, log);
  if (!p.ok()) return p.status();
  phone->process_ = std::move(*p);
  auto ctrl = CtrlTcp::Connect(*ctrl_port, deadline);
  if (!ctrl.ok()) return Status::Unavailable(ctrl.status().message() + "; log: " + Tail(log));
  phone->ctrl_ = std::move(*ctrl);

  // Registered when reginfo shows every account OK.
  while (true) {
    auto info = phone->ctrl_->Command("reginfo");
    if (!info.ok()) return info.status();
    size_t ok = 0;
    std::istringstream lines(StripAnsi(*info));
    for (std::string line; std::getline(lines, line);) {
      if (line.find("sip:") != std::string::npos && line.find(" OK ") != std::string::npos) ++ok;
    }
    if (ok == options.numbers.size()) break;
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("phone not registered: " + StripAnsi(*info));
    }
    PollPause();
  }
  return phone;
}

Phone::~Phone() {
  ctrl_.reset();
  if (process_) process_->Stop();
}

std::string Phone::Aor(std::string_view number) const {
  return "sip:" + std::string(number) + "@127.0.0.1:" + std::to_string(registrar_port_);
}

Status Phone::Select(std::string_view number) {
  auto r = ctrl_->Command("uafind", Aor(number));
  return r.ok() ? Status::Ok() : r.status();
}

Status Phone::Press(std::string_view number, std::string_view keys) {
  SECINFO_RETURN_IF_ERROR(Select(number));
  auto r = ctrl_->Command("sndcode", keys);
  return r.ok() ? Status::Ok() : r.status();
}

Status Phone::HangUp(std::string_view number) {
  SECINFO_RETURN_IF_ERROR(Select(number));
  auto r = ctrl_->Command("hangup");
  return r.ok() ? Status::Ok() : r.status();
}

Result<int> Phone::Calls(std::string_view number) {
  SECINFO_RETURN_IF_ERROR(Select(number));
  auto r = ctrl_->Command("listcalls");
  if (!r.ok()) return r.status();
  // "--- Active calls (N) ---"
  size_t at = r->find("calls (");
  if (at == std::string::npos) return Status::Internal("listcalls: " + *r);
  return std::atoi(r->c_str() + at + 7);
}

Status Phone::WaitForCalls(std::string_view number, int n, Deadline deadline) {
  while (true) {
    auto calls = Calls(number);
    if (!calls.ok()) return calls.status();
    if (*calls == n) return Status::Ok();
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable(std::string(number) + " has " + std::to_string(*calls) +
                                 " calls, not " + std::to_string(n));
    }
    PollPause();
  }
}

// ---- WAV -----------------------------------------------------------------------------------

double WavAudio::Rms() const {
  if (samples.empty()) return 0;
  double sum = 0;
  for (int16_t s : samples) sum += static_cast<double>(s) * s;
  return std::sqrt(sum / samples.size());
}

double WavAudio::ActiveShare(double threshold) const {
  const size_t window = static_cast<size_t>(sample_rate / 50) * std::max(channels, 1);
  if (window == 0 || samples.size() < window) return 0;
  size_t windows = 0, active = 0;
  for (size_t start = 0; start + window <= samples.size(); start += window, ++windows) {
    double sum = 0;
    for (size_t i = start; i < start + window; ++i)
      sum += static_cast<double>(samples[i]) * samples[i];
    if (std::sqrt(sum / window) > threshold) ++active;
  }
  return static_cast<double>(active) / windows;
}

std::vector<int16_t> UlawToLinear(std::string_view ulaw) {
  std::vector<int16_t> out;
  out.reserve(ulaw.size());
  for (unsigned char u : ulaw) {
    u = static_cast<unsigned char>(~u);
    int t = ((u & 0x0F) << 3) + 0x84;
    t <<= (u & 0x70) >> 4;
    out.push_back(static_cast<int16_t>((u & 0x80) ? (0x84 - t) : (t - 0x84)));
  }
  return out;
}

double MatchShare(const std::vector<int16_t>& heard, const std::vector<int16_t>& said,
                  int tolerance, int max_shift_frames) {
  if (heard.empty()) return 0;
  size_t best = 0;
  for (int shift = -max_shift_frames; shift <= max_shift_frames; ++shift) {
    size_t same = 0;
    for (size_t i = 0; i < heard.size(); ++i) {
      long j = static_cast<long>(i) + shift * 160L;
      if (j < 0 || j >= static_cast<long>(said.size())) continue;
      if (std::abs(heard[i] - said[static_cast<size_t>(j)]) <= tolerance) ++same;
    }
    best = std::max(best, same);
  }
  return static_cast<double>(best) / heard.size();
}

Result<WavAudio> ReadWav(const std::string& path) {
  auto data = ReadText(path);
  if (!data.ok()) return data.status();
  const std::string& d = *data;
  if (d.size() < 12 || d.compare(0, 4, "RIFF") != 0 || d.compare(8, 4, "WAVE") != 0) {
    return Status::InvalidArgument(path + " is not a WAV file");
  }
  auto u16 = [&](size_t at) {
    return static_cast<uint16_t>(uint8_t(d[at]) | uint8_t(d[at + 1]) << 8);
  };
  auto u32 = [&](size_t at) {
    return static_cast<uint32_t>(u16(at) | uint32_t(u16(at + 2)) << 16);
  };
  WavAudio wav;
  int bits = 0;
  for (size_t at = 12; at + 8 <= d.size();) {
    const std::string id = d.substr(at, 4);
    uint32_t size = u32(at + 4);
    const size_t body = at + 8;
    if (id == "fmt " && body + 16 <= d.size()) {
      wav.channels = u16(body + 2);
      wav.sample_rate = static_cast<int>(u32(body + 4));
      bits = u16(body + 14);
    } else if (id == "data") {
      // Still being written: the size field is not final, take what is there.
      size_t end =
          (size == 0 || size == 0xFFFFFFFF || body + size > d.size()) ? d.size() : body + size;
      if (bits != 16) return Status::InvalidArgument(path + ": not 16-bit PCM");
      for (size_t i = body; i + 1 < end; i += 2)
        wav.samples.push_back(static_cast<int16_t>(u16(i)));
      return wav;
    }
    at = body + size + (size & 1);
  }
  return Status::InvalidArgument(path + ": no data chunk");
}

// Blocks until stdin reaches its end (or fails) or one of `signals` arrives; returns what ended it.
std::string WaitForTheEnd(const sigset_t& signals) {
  int sfd = ::signalfd(-1, &signals, SFD_CLOEXEC);
  if (sfd < 0) return "signalfd failed";
  std::string why;
  bool stdin_open = true;
  while (why.empty()) {
    pollfd fds[2] = {{sfd, POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    if (::poll(fds, stdin_open ? 2 : 1, -1) < 0) {
      if (errno == EINTR) continue;
      why = "poll failed";
      break;
    }
    if (fds[0].revents & POLLIN) {
      signalfd_siginfo info{};
      if (::read(sfd, &info, sizeof(info)) == sizeof(info)) {
        why = std::string("signal ") + ::strsignal(static_cast<int>(info.ssi_signo));
      }
    }
    if (stdin_open && (fds[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) {
      char buf[512];
      ssize_t n = (fds[1].revents & POLLNVAL) ? 0 : ::read(STDIN_FILENO, buf, sizeof(buf));
      if (n <= 0) why = "stdin closed";  // what comes in on stdin is ignored
    }
  }
  ::close(sfd);
  return why;
}

}  // namespace secinfo::peers
