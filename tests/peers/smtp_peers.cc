#include "smtp_peers.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
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

void PollPause() { std::this_thread::sleep_for(milliseconds(20)); }

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Tail(const std::string& path, size_t n = 2000) {
  std::string text = ReadText(path);
  return text.size() > n ? text.substr(text.size() - n) : text;
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

bool CanConnect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0;
  ::close(fd);
  return ok;
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
  server->maildir_ = dir + "/maildir";
  server->log_ = dir + "/aiosmtpd.log";
  auto port = PickFreePort();
  if (!port.ok()) return port.status();
  server->port_ = *port;
  std::vector<std::string> argv;
  if (!options.user.empty()) {
    argv = {kPython,
            std::string(SECINFO_PEERS_DIR) + "/smtp_auth_server.py",
            std::to_string(server->port_),
            server->maildir_,
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
    argv.insert(argv.end(), {"-c", "aiosmtpd.handlers.Mailbox", server->maildir_});
  }
  auto process = ChildProcess::Spawn(argv, server->log_);
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

std::string SmtpServer::LogTail() const { return Tail(log_); }

std::vector<std::string> SmtpServer::Mails() const {
  std::vector<std::string> files;
  std::error_code ec;
  // Maildir writes into tmp/ and renames into new/: a file in new/ is complete.
  for (const auto& entry : fs::directory_iterator(maildir_ + "/new", ec)) {
    files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

Result<std::vector<std::string>> SmtpServer::WaitForMails(size_t count, Deadline deadline) const {
  while (true) {
    std::vector<std::string> files = Mails();
    if (files.size() >= count) return files;
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::Unavailable("expected " + std::to_string(count) + " mails, have " +
                                 std::to_string(files.size()) + "; aiosmtpd: " + LogTail());
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

}  // namespace secinfo::peers
