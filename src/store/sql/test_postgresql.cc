#include "store/sql/test_postgresql.h"

#include <gtest/gtest.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <sstream>

namespace secinfo::store::test {
namespace {

// SECINFO_SOURCE_DIR is set by src/store/CMakeLists.txt.
constexpr char kScript[] = SECINFO_SOURCE_DIR "/scripts/test-postgresql";

struct Server {
  std::filesystem::path dir;
  int port = 0;
  long pid = 0;
};

std::mutex mu;
std::optional<Server> server;         // guarded by mu
std::optional<Status> start_failure;  // guarded by mu: a failed start is not retried

// Runs the script with `args` through the shell (the arguments are our own temp paths and
// numbers) and returns its standard output.
Result<std::string> RunScript(const std::string& args) {
  std::string command = std::string(kScript) + " " + args;
  FILE* out = popen(command.c_str(), "r");
  if (out == nullptr) return Status::Unavailable("cannot run " + command);
  std::string text;
  char buffer[256];
  while (size_t n = fread(buffer, 1, sizeof buffer, out)) text.append(buffer, n);
  int rc = pclose(out);
  if (rc != 0) return Status::Unavailable(command + " failed (see its message above)");
  return text;
}

Result<Server> Start() {
  std::string pattern = (std::filesystem::temp_directory_path() / "secinfo-pg-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return Status::Unavailable("mkdtemp " + pattern);
  Result<std::string> out = RunScript("start '" + pattern + "'");
  if (!out.ok()) return out.status();
  Server s;
  s.dir = pattern;
  std::istringstream in(*out);
  if (!(in >> s.port >> s.pid)) return Status::Unavailable("test-postgresql printed: " + *out);
  return s;
}

std::string ConnectionFor(const Server& s, const std::string& database) {
  return "host=127.0.0.1 port=" + std::to_string(s.port) + " user=postgres dbname=" + database;
}

Result<Server> Running() {
  std::lock_guard<std::mutex> lock(mu);
  if (server) return *server;
  if (start_failure) return *start_failure;
  Result<Server> started = Start();
  if (!started.ok()) {
    start_failure = started.status();
    return started.status();
  }
  server = *started;
  return *server;
}

// Stops the server when the tests are over.
class PostgresqlEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    std::lock_guard<std::mutex> lock(mu);
    if (!server) return;
    Result<std::string> stopped =
        RunScript("stop '" + server->dir.string() + "' " + std::to_string(server->pid));
    EXPECT_TRUE(stopped.ok()) << stopped.status().ToString();
    server.reset();
  }
};

[[maybe_unused]] ::testing::Environment* const environment =
    ::testing::AddGlobalTestEnvironment(new PostgresqlEnvironment);

}  // namespace

Result<std::string> PostgresqlAdminConnection() {
  Result<Server> s = Running();
  if (!s.ok()) return s.status();
  return ConnectionFor(*s, "postgres");
}

Result<std::string> NewPostgresqlDatabase() {
  static std::atomic<int> next{0};
  Result<Server> s = Running();
  if (!s.ok()) return s.status();
  std::string name = "secinfo_test_" + std::to_string(getpid()) + "_" + std::to_string(++next);
  try {
    soci::session admin(*soci::factory_postgresql(), ConnectionFor(*s, "postgres"));
    admin << "CREATE DATABASE " + name + " TEMPLATE template0";
  } catch (const std::exception& e) {
    return Status::Unavailable("create test database " + name + ": " + e.what());
  }
  return ConnectionFor(*s, name);
}

}  // namespace secinfo::store::test
