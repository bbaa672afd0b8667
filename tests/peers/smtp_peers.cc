#include "smtp_peers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#ifndef SECINFO_PEERS_DIR
#error "SECINFO_PEERS_DIR must name tests/peers (the Python scripts)"
#endif

extern char** environ;

namespace secinfo::peers {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// Debian's interpreter, where python3-aiosmtpd lives; a python earlier on PATH may lack it.
constexpr char kPython[] = "/usr/bin/python3";

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs a command to its end (stdout and stderr into `log`). OK when it exits with 0.
Status Run(const std::vector<std::string>& argv, const std::string& log, Deadline deadline) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0)
    return Status::Unavailable("cannot start " + argv[0] + ": error " + std::to_string(rc));
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return Status::Unavailable(argv[0] + " did not finish in time: " + Tail(log));
    }
    PollPause();
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Unavailable(argv[0] + " failed: " + Tail(log));
  }
  return Status::Ok();
}

// OpenSMTPD's daemon, where Debian's opensmtpd puts it.
constexpr char kSmtpd[] = "/usr/sbin/smtpd";
// Owner of the Maildir, as whom smtpd's delivery agent runs: smtpd refuses to deliver as root,
// and every Debian system has this account, where a dedicated one would have to be created.
constexpr char kDeliveryUser[] = "nobody";
// Run by unshare in smtpd's new mount namespace, with the test's dir as $1: the compiled-in
// /var/spool/smtpd (queue) and /var/run/smtpd.sock (control) become the test's own. -n: nothing
// written to the host's /run/mount. exec: smtpd is unshare's child, the first process of its PID
// namespace.
constexpr char kSmtpdInNamespace[] =
    "mount -n --bind \"$1\" /var/spool && mount -n --bind \"$1/run\" /var/run && "
    "exec /usr/sbin/smtpd -d -v -f \"$1/smtpd.conf\"";

std::string ReadLink(const std::string& path) {
  char buf[256];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof(buf));
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

// Processes, zombies aside, whose PID namespace reads `pid_namespace` ("pid:[N]").
std::vector<pid_t> ProcessesIn(const std::string& pid_namespace) {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (!std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    if (ReadLink(entry.path().string() + "/ns/pid") != pid_namespace) continue;
    // "PID (COMMAND) STATE ...": COMMAND may hold spaces and parentheses.
    const std::string stat = ReadText(entry.path().string() + "/stat");
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] == 'Z') continue;
    pids.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return pids;
}

}  // namespace

Result<TestCertificates> MakeTestCertificates(const std::string& dir) {
  fs::create_directories(dir);
  const std::string log = dir + "/openssl.log";
  TestCertificates c{.ca_file = dir + "/ca.pem",
                     .server_cert = dir + "/server.pem",
                     .server_key = dir + "/server.key"};
  const std::string ca_key = dir + "/ca.key";
  const std::string csr = dir + "/server.csr";
  const std::string ext = dir + "/server.ext";
  {
    std::ofstream out(ext);
    out << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
           "basicConstraints=CA:FALSE\n"
           "extendedKeyUsage=serverAuth\n";
  }
  const Deadline deadline = In(milliseconds(20000));
  SECINFO_RETURN_IF_ERROR(Run({"openssl",
                               "req",
                               "-x509",
                               "-newkey",
                               "ec",
                               "-pkeyopt",
                               "ec_paramgen_curve:prime256v1",
                               "-nodes",
                               "-keyout",
                               ca_key,
                               "-out",
                               c.ca_file,
                               "-days",
                               "2",
                               "-subj",
                               "/CN=secinfo throw-away test CA",
                               "-addext",
                               "basicConstraints=critical,CA:TRUE",
                               "-addext",
                               "keyUsage=critical,keyCertSign,cRLSign"},
                              log, deadline));
  SECINFO_RETURN_IF_ERROR(
      Run({"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
           "-nodes", "-keyout", c.server_key, "-out", csr, "-subj", "/CN=localhost"},
          log, deadline));
  SECINFO_RETURN_IF_ERROR(
      Run({"openssl", "x509", "-req", "-in", csr, "-CA", c.ca_file, "-CAkey", ca_key,
           "-CAcreateserial", "-out", c.server_cert, "-days", "2", "-extfile", ext},
          log, deadline));
  return c;
}

Result<std::unique_ptr<SmtpServer>> SmtpServer::Start(const std::string& dir,
                                                      const SmtpServerOptions& options) {
  const TestCertificates* certs = options.certs;
  if (options.tls != SmtpTls::kNone && certs == nullptr) {
    return Status::InvalidArgument("a TLS SMTP server needs certificates");
  }
  if (!options.user.empty() && options.tls != SmtpTls::kStartTls) {
    return Status::InvalidArgument("AUTH is offered only after STARTTLS");
  }
  auto server = std::unique_ptr<SmtpServer>(new SmtpServer());
  fs::create_directories(dir);
  const std::string log = dir + "/aiosmtpd.log";
  server->inbox_ = Maildir("aiosmtpd", dir + "/maildir", log);
  auto port = PickFreePort();
  if (!port.ok()) return port.status();
  server->port_ = *port;
  std::vector<std::string> argv;
  if (!options.user.empty()) {
    argv = {kPython,
            std::string(SECINFO_PEERS_DIR) + "/smtp_auth_server.py",
            std::to_string(server->port_),
            server->maildir(),
            certs->server_cert,
            certs->server_key,
            options.user,
            options.password};
  } else {
    // -n: no setuid to nobody (it would fail, or lose access to our temp dir).
    argv = {kPython, "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + std::to_string(server->port_)};
    if (options.tls == SmtpTls::kStartTls) {
      argv.insert(argv.end(), {"--tlscert", certs->server_cert, "--tlskey", certs->server_key});
    } else if (options.tls == SmtpTls::kImplicit) {
      argv.insert(argv.end(), {"--smtpscert", certs->server_cert, "--smtpskey", certs->server_key});
    }
    argv.insert(argv.end(), {"-c", "aiosmtpd.handlers.Mailbox", server->maildir()});
  }
  auto process = ChildProcess::Spawn(argv, log);
  if (!process.ok()) return process.status();
  server->process_ = std::move(*process);
  const Deadline deadline = In(milliseconds(15000));
  while (!CanConnect(server->port_)) {
    if (!server->process_->Running()) {
      return Status::Unavailable("aiosmtpd exited at start: " + server->LogTail());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("aiosmtpd does not listen on " + std::to_string(server->port_) +
                                 ": " + server->LogTail());
    }
    PollPause();
  }
  return server;
}

Result<std::unique_ptr<OpenSmtpd>> OpenSmtpd::Start(const std::string& dir,
                                                    const OpenSmtpdOptions& options) {
  if (::access(kSmtpd, X_OK) != 0) {
    return Status::FailedPrecondition(
        std::string("OpenSMTPD is not installed (no ") + kSmtpd +
        "): install the Debian package opensmtpd (scripts/install-deps with SECINFO_WITH_TESTS=1)");
  }
  if (::geteuid() != 0) {
    return Status::FailedPrecondition(
        "OpenSMTPD runs as root only (privilege separation; the namespaces that keep its queue "
        "apart from a system instance's)");
  }
  const TestCertificates* certs = options.certs;
  if (options.tls != SmtpTls::kNone && certs == nullptr) {
    return Status::InvalidArgument("a TLS SMTP server needs certificates");
  }
  const passwd* user = ::getpwnam(kDeliveryUser);
  if (user == nullptr) {
    return Status::FailedPrecondition(std::string("no user ") + kDeliveryUser + " to deliver as");
  }
  const uid_t uid = user->pw_uid;
  const gid_t gid = user->pw_gid;

  auto server = std::unique_ptr<OpenSmtpd>(new OpenSmtpd());
  std::error_code ec;
  fs::create_directories(dir + "/run", ec);
  // `dir` is /var/spool for smtpd: the delivery agent must pass through it to the Maildir.
  if (!ec) {
    fs::permissions(dir,
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                        fs::perms::others_read | fs::perms::others_exec,
                    ec);
  }
  if (ec) return Status::Internal("cannot prepare " + dir + ": " + ec.message());
  const std::string maildir = dir + "/maildir";
  for (const char* sub : {"", "/new", "/cur", "/tmp"}) {
    const std::string path = maildir + sub;
    fs::create_directories(path, ec);
    if (ec || ::chown(path.c_str(), uid, gid) != 0) {
      return Status::Internal("cannot make " + path + " for " + kDeliveryUser);
    }
  }
  const std::string log = dir + "/smtpd.log";
  server->inbox_ = Maildir("OpenSMTPD", maildir, log);
  auto port = PickFreePort();
  if (!port.ok()) return port.status();
  server->port_ = *port;

  std::ostringstream conf;
  conf << "# OpenSMTPD for one test, written by tests/peers/smtp_peers.cc.\n";
  std::string listen_tls;
  if (options.tls != SmtpTls::kNone) {
    // smtpd refuses a key that group or others may read.
    const std::string key = dir + "/smtpd.key";
    fs::copy_file(certs->server_key, key, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write, ec);
    if (ec) return Status::Internal("cannot copy the key to " + key + ": " + ec.message());
    conf << "pki localhost cert \"" << certs->server_cert << "\"\n"
         << "pki localhost key \"" << key << "\"\n";
    listen_tls =
        options.tls == SmtpTls::kStartTls ? " tls-require pki localhost" : " smtps pki localhost";
  }
  conf << "listen on 127.0.0.1 port " << server->port_ << listen_tls << "\n";
  // Any recipient, any domain: all map to one existing user, whose Maildir it is.
  conf << "action \"inbox\" maildir \"/var/spool/maildir\" virtual { \"@\" = " << kDeliveryUser
       << " }\n"
       << "match from any for any action \"inbox\"\n";
  const std::string conf_path = dir + "/smtpd.conf";
  {
    std::ofstream out(conf_path);
    out << conf.str();
    if (!out) return Status::Internal("cannot write " + conf_path);
  }
  Status checked = Run({kSmtpd, "-n", "-f", conf_path}, log, In(milliseconds(10000)));
  if (!checked.ok()) {
    return Status::Unavailable("OpenSMTPD refuses " + conf_path + ": " + checked.message());
  }

  // Namespaces need CAP_SYS_ADMIN: an unprivileged container cannot run this peer at all.
  if (Status can =
          Run({"unshare", "--mount", "--pid", "--fork", "true"}, log, In(milliseconds(10000)));
      !can.ok()) {
    return Status::PermissionDenied(
        "cannot run OpenSMTPD apart from the system's: unshare needs "
        "CAP_SYS_ADMIN (" +
        can.message() + "; " + Tail(log) + ")");
  }

  // setsid: a process group of our child's own, for Stop. unshare: the mount namespace of
  // kSmtpdInNamespace, and a PID namespace so that whatever smtpd forks ends with it (--fork:
  // smtpd is the namespace's first process; --kill-child: it dies with unshare).
  auto process = ChildProcess::Spawn(
      {"setsid", "unshare", "--mount", "--propagation", "private", "--pid", "--fork",
       "--kill-child=SIGKILL", "--", "/bin/sh", "-c", kSmtpdInNamespace, "sh", dir},
      log);
  if (!process.ok()) return process.status();
  server->process_ = std::move(*process);
  const Deadline deadline = In(milliseconds(15000));
  while (!CanConnect(server->port_)) {
    if (!server->process_->Running()) {
      return Status::Unavailable("OpenSMTPD exited at start: " + server->LogTail());
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("OpenSMTPD does not listen on " + std::to_string(server->port_) +
                                 ": " + server->LogTail());
    }
    PollPause();
  }
  server->pid_namespace_ =
      ReadLink("/proc/" + std::to_string(server->process_->pid()) + "/ns/pid_for_children");
  if (server->pid_namespace_.empty() || server->pid_namespace_ == ReadLink("/proc/self/ns/pid")) {
    return Status::Internal("OpenSMTPD is not in a PID namespace of its own");
  }
  return server;
}

OpenSmtpd::~OpenSmtpd() { Stop(); }

Status OpenSmtpd::Stop() {
  if (process_ == nullptr) return Status::Ok();
  // smtpd ends its children on SIGTERM; unshare ignores it and ends when smtpd has.
  if (process_->Running()) ::kill(-process_->pid(), SIGTERM);
  process_->Stop();
  if (pid_namespace_.empty()) return Status::Ok();
  // The kernel kills what is left in a PID namespace when its first process ends.
  const Deadline deadline = In(milliseconds(5000));
  std::vector<pid_t> left = ProcessesIn(pid_namespace_);
  while (!left.empty() && std::chrono::steady_clock::now() < deadline) {
    PollPause();
    left = ProcessesIn(pid_namespace_);
  }
  if (left.empty()) return Status::Ok();
  std::string pids;
  for (pid_t pid : left) {
    ::kill(pid, SIGKILL);
    pids += " " + std::to_string(pid);
  }
  return Status::Internal("OpenSMTPD processes outlived smtpd, killed:" + pids);
}

std::string Maildir::LogTail() const { return Tail(log_); }

std::vector<std::string> Maildir::Mails() const {
  std::vector<std::string> files;
  std::error_code ec;
  // Maildir writes into tmp/ and renames into new/: a file in new/ is complete.
  for (const auto& entry : fs::directory_iterator(path_ + "/new", ec)) {
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::vector<std::string>> Maildir::WaitForMails(size_t count, Deadline deadline) const {
  while (true) {
    std::vector<std::string> files = Mails();
    if (files.size() >= count) return files;
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("expected " + std::to_string(count) + " mails, have " +
                                 std::to_string(files.size()) + "; " + server_ + ": " + LogTail());
    }
    PollPause();
  }
}

Result<nlohmann::json> ParseMail(const std::string& path) {
  // Beside the Maildir's new/, so that the output never counts as a mail.
  const fs::path maildir = fs::path(path).parent_path().parent_path();
  const std::string json_path = maildir / (fs::path(path).filename().string() + ".json");
  SECINFO_RETURN_IF_ERROR(
      Run({kPython, std::string(SECINFO_PEERS_DIR) + "/parse_mail.py", path, json_path},
          maildir / "parse_mail.log", In(milliseconds(20000))));
  try {
    return nlohmann::json::parse(ReadText(json_path));
  } catch (const std::exception& e) {
    return Status::Internal("parse_mail.py wrote no JSON: " + std::string(e.what()));
  }
}

Result<std::vector<std::string>> HeaderFields(const std::string& path, std::string_view name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read " + path);
  auto same_name = [name](std::string_view field) {
    return field.size() == name.size() &&
           std::equal(field.begin(), field.end(), name.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  };
  std::vector<std::string> fields;  // "Name: value", unfolded
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;  // end of the header
    if ((line[0] == ' ' || line[0] == '\t') && !fields.empty()) {
      fields.back() += line;
    } else {
      fields.push_back(line);
    }
  }
  std::vector<std::string> values;
  for (const std::string& field : fields) {
    const size_t colon = field.find(':');
    if (colon == std::string::npos || !same_name(std::string_view(field).substr(0, colon))) {
      continue;
    }
    const size_t start = field.find_first_not_of(" \t", colon + 1);
    values.push_back(start == std::string::npos ? "" : field.substr(start));
  }
  return values;
}

}  // namespace secinfo::peers
