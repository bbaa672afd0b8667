// sip_peers: the SIP world of tests/peers/ as a program, for tests written in other languages
// (tests/e2e/sip.test.mjs). Starts kamailio (registrar + proxy, digest auth on INVITE) and one
// baresip process per number, prints ONE line of JSON on stdout with everything a test needs, then
// holds them until stdin closes (the test ended or died) or SIGTERM/SIGINT/SIGHUP, and stops
// them by PID: phones first, then kamailio.
//
//   sip_peers [--manual] [--transport udp|tcp] [--user U] [--password P] [--max-calls N]
//             [--record] [--keep] [--dir DIR] [--timeout-ms N] NUMBER[:auto|:manual]...
//
//   --manual        phones ring until told ({"command":"accept"} on ctrl_tcp); default: they
//                   answer at once. A number's own ":auto" / ":manual" wins.
//   --transport     what the JSON tells secinfo to use (kamailio listens on UDP and TCP).
//   --user/--password  the digest credentials kamailio demands of every INVITE (default user
//                   "secinfo-trunk", a random password).
//   --max-calls     calls per number at once; one more gets 486 Busy Here (default 4).
//   --record        phones write what they heard as WAV files (each phone's "record_dir").
//   --dir           configs and logs go there (default: a new temp dir, removed at exit unless
//                   --keep, SECINFO_KEEP_PEERS=1, or a failed start).
//   --timeout-ms    how long kamailio and the phones may take to be ready (default 20000).
//
// The JSON line:
//   {"pid":..,"dir":"..","kamailio":{"host":"127.0.0.1","port":..,"transport":"udp"},
//    "auth":{"user":"..","password":".."},
//    "phones":[{"number":"+33..","answer":"auto","ctrl_tcp_port":..,"sip_port":..,
//               "dir":"..","record_dir":".."}],
//    "env":{"SECINFO_VOICE_PROVIDER":"sip","SECINFO_VOICE_SIP_HOST":"127.0.0.1",...}}
// Each phone's ctrl_tcp port takes netstring-framed JSON commands (accept, sndcode, hangup,
// listcalls, ...) and streams events (CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED). baresip
// serves one ctrl_tcp connection at a time: a new one replaces the previous. This program does not
// use them after start.
// On a failed start: a JSON line {"error":"..."} on stdout, the details on stderr, exit status 1.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "sip_peers.h"

namespace secinfo::peers {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

struct Wanted {
  std::string number;
  bool auto_answer = true;
};

struct Options {
  std::vector<Wanted> phones;
  bool manual = false;
  std::string transport = "udp";
  std::string user = "secinfo-trunk";
  std::string password;
  int max_calls = 4;
  bool record = false;
  bool keep = false;
  std::string dir;
  int timeout_ms = 20000;
};

constexpr char kUsage[] =
    "usage: sip_peers [--manual] [--transport udp|tcp] [--user U] [--password P] "
    "[--max-calls N] [--record] [--keep] [--dir DIR] [--timeout-ms N] NUMBER[:auto|:manual]...\n";

bool IsE164(const std::string& n) {
  if (n.size() < 3 || n.size() > 16 || n[0] != '+' || n[1] == '0') return false;
  for (size_t i = 1; i < n.size(); ++i) {
    if (n[i] < '0' || n[i] > '9') return false;
  }
  return true;
}

Result<Options> ParseArgs(int argc, char** argv) {
  Options o;
  std::vector<std::string> numbers;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= argc) return Status::InvalidArgument(a + " needs a value");
      return std::string(argv[++i]);
    };
    auto number = [&](const std::string& flag, int& into, int min) -> Status {
      auto v = value();
      if (!v.ok()) return v.status();
      char* end = nullptr;
      long n = std::strtol(v->c_str(), &end, 10);
      if (v->empty() || *end != '\0' || n < min || n > 1'000'000) {
        return Status::InvalidArgument(flag + ": not a number >= " + std::to_string(min));
      }
      into = static_cast<int>(n);
      return Status::Ok();
    };
    if (a == "--manual") {
      o.manual = true;
    } else if (a == "--record") {
      o.record = true;
    } else if (a == "--keep") {
      o.keep = true;
    } else if (a == "--transport") {
      auto v = value();
      if (!v.ok()) return v.status();
      if (*v != "udp" && *v != "tcp") return Status::InvalidArgument("--transport: udp or tcp");
      o.transport = *v;
    } else if (a == "--user" || a == "--password" || a == "--dir") {
      auto v = value();
      if (!v.ok()) return v.status();
      if (v->empty()) return Status::InvalidArgument(a + " must not be empty");
      (a == "--user" ? o.user : a == "--password" ? o.password : o.dir) = *v;
    } else if (a == "--max-calls") {
      SECINFO_RETURN_IF_ERROR(number(a, o.max_calls, 1));
    } else if (a == "--timeout-ms") {
      SECINFO_RETURN_IF_ERROR(number(a, o.timeout_ms, 1));
    } else if (a == "-h" || a == "--help") {
      return Status::InvalidArgument("help");
    } else if (!a.empty() && a[0] == '-' && a[1] == '-') {
      return Status::InvalidArgument("unknown option " + a);
    } else {
      numbers.push_back(a);
    }
  }
  if (numbers.empty()) return Status::InvalidArgument("no phone number given");
  for (const std::string& arg : numbers) {
    Wanted w;
    w.auto_answer = !o.manual;
    w.number = arg;
    if (size_t colon = arg.find(':'); colon != std::string::npos) {
      w.number = arg.substr(0, colon);
      const std::string mode = arg.substr(colon + 1);
      if (mode != "auto" && mode != "manual") {
        return Status::InvalidArgument(arg + ": the answer mode is auto or manual");
      }
      w.auto_answer = mode == "auto";
    }
    if (!IsE164(w.number)) return Status::InvalidArgument(w.number + " is not an E.164 number");
    for (const Wanted& other : o.phones) {
      if (other.number == w.number) return Status::InvalidArgument(w.number + " given twice");
    }
    o.phones.push_back(w);
  }
  return o;
}

std::string RandomPassword() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "pw-";
  for (int i = 0; i < 24; ++i) s += kHex[rd() % 16];
  return s;
}

// The value of `key` (e.g. "ctrl_tcp_listen 127.0.0.1:PORT") in a baresip config the harness
// wrote: the port after the last ':'.
Result<int> ConfigPort(const std::string& config, const std::string& key) {
  std::ifstream in(config);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string k, v;
    if (!(words >> k >> v) || k != key) continue;
    size_t colon = v.rfind(':');
    if (colon == std::string::npos) break;
    return std::atoi(v.c_str() + colon + 1);
  }
  return Status::NotFound("no " + key + " in " + config);
}

struct RunningPhone {
  Wanted wanted;
  std::string dir;
  int ctrl_port = 0;
  int sip_port = 0;
  std::unique_ptr<Phone> phone;
};

class World {
 public:
  ~World() { Stop(); }

  Status Start(const Options& o) {
    const Deadline deadline = In(milliseconds(o.timeout_ms));
    // One worker per transport: with several, a phone's instant 180 and 200 may be relayed out
    // of order (see sip_peers.h).
    auto k = Kamailio::Start(o.dir + "/kamailio", o.user, o.password, /*children=*/1);
    if (!k.ok()) return k.status();
    kamailio_ = std::move(*k);
    for (size_t i = 0; i < o.phones.size(); ++i) {
      RunningPhone p;
      p.wanted = o.phones[i];
      p.dir = o.dir + "/phone" + std::to_string(i);
      PhoneOptions po;
      po.numbers = {p.wanted.number};
      po.auto_answer = p.wanted.auto_answer;
      po.max_calls = o.max_calls;
      po.record = o.record;
      auto started = Phone::Start(p.dir, kamailio_->port(), po, deadline);
      if (!started.ok()) {
        return Status::Unavailable(p.wanted.number + ": " + started.status().ToString());
      }
      p.phone = std::move(*started);
      auto ctrl = ConfigPort(p.dir + "/config", "ctrl_tcp_listen");
      if (!ctrl.ok()) return ctrl.status();
      auto sip = ConfigPort(p.dir + "/config", "sip_listen");
      if (!sip.ok()) return sip.status();
      p.ctrl_port = *ctrl;
      p.sip_port = *sip;
      phones_.push_back(std::move(p));
    }
    return Status::Ok();
  }

  nlohmann::json Describe(const Options& o) const {
    nlohmann::json phones = nlohmann::json::array();
    for (const RunningPhone& p : phones_) {
      phones.push_back({{"number", p.wanted.number},
                        {"answer", p.wanted.auto_answer ? "auto" : "manual"},
                        {"ctrl_tcp_port", p.ctrl_port},
                        {"sip_port", p.sip_port},
                        {"dir", p.dir},
                        {"record_dir", p.phone->record_dir()}});
    }
    const std::string port = std::to_string(kamailio_->port());
    return {{"pid", ::getpid()},
            {"dir", o.dir},
            {"kamailio",
             {{"host", "127.0.0.1"}, {"port", kamailio_->port()}, {"transport", o.transport}}},
            {"auth", {{"user", o.user}, {"password", o.password}}},
            {"phones", phones},
            {"env",
             {{"SECINFO_VOICE_PROVIDER", "sip"},
              {"SECINFO_VOICE_SIP_HOST", "127.0.0.1"},
              {"SECINFO_VOICE_SIP_PORT", port},
              {"SECINFO_VOICE_SIP_TRANSPORT", o.transport},
              {"SECINFO_VOICE_SIP_USER", o.user},
              {"SECINFO_VOICE_SIP_PASSWORD", o.password},
              {"SECINFO_VOICE_SIP_LOCAL_ADDRESS", "127.0.0.1"}}}};
  }

  // Phones first: each un-registers from a registrar that still answers, then kamailio.
  void Stop() {
    for (RunningPhone& p : phones_) {
      if (p.phone) p.phone->Stop();
    }
    phones_.clear();
    if (kamailio_) kamailio_->Stop();
    kamailio_.reset();
  }

 private:
  std::unique_ptr<Kamailio> kamailio_;
  std::vector<RunningPhone> phones_;
};

int Main(int argc, char** argv) {
  auto parsed = ParseArgs(argc, argv);
  if (!parsed.ok()) {
    if (parsed.status().message() != "help") {
      fprintf(stderr, "sip_peers: %s\n", parsed.status().message().c_str());
    }
    fputs(kUsage, stderr);
    return 2;
  }
  Options o = std::move(*parsed);
  if (o.password.empty()) o.password = RandomPassword();
  const bool own_dir = o.dir.empty();
  if (own_dir) {
    std::string pattern = (fs::temp_directory_path() / "sip-peers-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      fprintf(stderr, "sip_peers: cannot create a temp dir\n");
      return 1;
    }
    o.dir = pattern;
  } else {
    fs::create_directories(o.dir);
  }
  const char* keep_env = std::getenv("SECINFO_KEEP_PEERS");
  bool keep = o.keep || !own_dir || (keep_env && *keep_env && std::string(keep_env) != "0");

  // The signals that end us are read through a signalfd; block them before any child starts
  // (the harness gives its children an empty mask).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  sigprocmask(SIG_BLOCK, &signals, nullptr);
  // A test that dies closes our stdout too: a write then fails instead of killing us.
  signal(SIGPIPE, SIG_IGN);

  int rc = 0;
  {
    World world;
    Status s = world.Start(o);
    if (!s.ok()) {
      keep = true;
      fprintf(stderr, "sip_peers: %s\nsip_peers: logs kept in %s\n", s.ToString().c_str(),
              o.dir.c_str());
      printf("%s\n", nlohmann::json({{"error", s.ToString()}, {"dir", o.dir}}).dump().c_str());
      fflush(stdout);
      rc = 1;
    } else {
      printf("%s\n", world.Describe(o).dump().c_str());
      fflush(stdout);
      const std::string why = WaitForTheEnd(signals);
      fprintf(stderr, "sip_peers: %s, stopping the phones, then kamailio\n", why.c_str());
    }
    world.Stop();
  }
  if (keep) {
    fprintf(stderr, "sip_peers: configs and logs kept in %s\n", o.dir.c_str());
  } else {
    std::error_code ignored;
    fs::remove_all(o.dir, ignored);
  }
  return rc;
}

}  // namespace
}  // namespace secinfo::peers

int main(int argc, char** argv) { return secinfo::peers::Main(argc, argv); }
