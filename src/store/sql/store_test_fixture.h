#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "methods/authenticator/app_data.h"
#include "methods/email/email_data.h"
#include "methods/phone/phone_data.h"
#include "methods/questions/questions_data.h"
#include "store/sql/sql_store.h"
#include "store/sql/test_postgresql.h"

// The store contract fixture, shared by the SQL store tests: every test gets a fresh database with
// one tenant (Contoso) and one user (ana). Tests are parameterized by backend name: each case runs
// on SQLite and on the test binary's own PostgreSQL (test_postgresql.h).
namespace secinfo::store::test {

using Code = Status::Code;

#define ASSERT_OK(expr)                                                \
  do {                                                                 \
    const Status assert_ok_status = (expr);                            \
    ASSERT_TRUE(assert_ok_status.ok()) << assert_ok_status.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                                \
  do {                                                                 \
    const Status expect_ok_status = (expr);                            \
    EXPECT_TRUE(expect_ok_status.ok()) << expect_ok_status.ToString(); \
  } while (0)

inline constexpr int64_t kT0 = 1'700'000'000'000;  // a fixed "now", Unix milliseconds

inline std::filesystem::path MakeTempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "secinfo_store_test.XXXXXX");
  char* dir = mkdtemp(pattern.data());
  if (dir == nullptr) return {};
  return dir;
}

// Options for a new, empty database: a file under `dir` on SQLite, a new database on PostgreSQL.
inline SqlStoreOptions OptionsFor(const std::string& backend, const std::filesystem::path& dir) {
  SqlStoreOptions options;
  options.backend = backend;
  if (backend == "postgresql") {
    Result<std::string> connection = NewPostgresqlDatabase();
    EXPECT_TRUE(connection.ok()) << connection.status().ToString();
    if (connection.ok()) options.connection = *connection;
    return options;
  }
  // A parent directory that does not exist yet: opening creates it.
  options.connection = (dir / "data" / "secinfo.db").string();
  return options;
}

inline std::unique_ptr<Store> MustOpen(const SqlStoreOptions& options) {
  Result<std::unique_ptr<Store>> store = OpenSqlStore(options);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  return store.ok() ? std::move(*store) : nullptr;
}

// Methods of each kind, encoded by their kinds' folders as the flows do.
inline Method PhoneMethod(int64_t user_id, const std::string& type, const std::string& number,
                          int64_t at = kT0) {
  Method m{.user_id = user_id, .created_at = at};
  methods::phone::Put({type, number}, m);
  return m;
}
inline Method EmailMethod(int64_t user_id, const std::string& address, int64_t at = kT0) {
  Method m{.user_id = user_id, .created_at = at};
  methods::email::Put({address}, m);
  return m;
}
inline Method AppMethod(int64_t user_id, const std::string& name, const std::string& secret = "",
                        int64_t at = kT0) {
  Method m{.user_id = user_id, .secret = secret, .created_at = at};
  methods::authenticator::Put({.name = name}, m);
  return m;
}
inline Method QuestionsMethod(int64_t user_id, int64_t at = kT0) {
  Method m{.user_id = user_id, .created_at = at};
  methods::questions::Put({}, m);
  return m;
}

class StoreContractTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    options_ = OptionsFor(GetParam(), dir_);
    store_ = MustOpen(options_);
    ASSERT_NE(store_, nullptr);
    Result<int64_t> tenant = store_->tenants().Create(Tenant{.name = "Contoso",
                                                             .domain = "contoso.example",
                                                             .default_locale = "fr",
                                                             .default_region = "FR"});
    ASSERT_TRUE(tenant.ok()) << tenant.status().ToString();
    tenant_id_ = *tenant;
    ana_ = NewUser("ana");
  }

  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  int64_t NewUser(const std::string& name) {
    Result<int64_t> id = store_->users().Create(User{.tenant_id = tenant_id_,
                                                     .username = name + "@contoso.example",
                                                     .display_name = name,
                                                     .password_hash = "$argon2id$x",
                                                     .locale = "",
                                                     .default_method_id = std::nullopt,
                                                     .created_at = kT0});
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  CallAttempt NewAttempt(const std::string& id, int64_t user_id, const std::string& phone_type,
                         const std::string& number, int64_t at = kT0) {
    return CallAttempt{.id = id,
                       .tenant_id = tenant_id_,
                       .user_id = user_id,
                       .purpose = "register",
                       .phone_e164 = number,
                       .phone_type = phone_type,
                       .extension_removed = false,
                       .locale = "fr",
                       .state = CallState::kPlacing,
                       .provider = "simulated",
                       .provider_call_id = "sim-" + id,
                       .digits = "",
                       .client_ip = "192.0.2.7",
                       .created_at = at,
                       .updated_at = at,
                       .method_id = std::nullopt};
  }

  // Confirms `a` as the phone it proves, the way the registration flow does.
  Result<int64_t> Confirm(CallAttempt a, int64_t at = kT0 + 1000) {
    a.state = CallState::kConfirmed;
    a.ended_at = at;
    return store_->call_attempts().UpdateAndCreateMethod(
        a, PhoneMethod(a.user_id, a.phone_type, a.phone_e164, at));
  }

  // Creates a confirmed phone method for `user_id` through a call attempt.
  int64_t AddPhone(int64_t user_id, const std::string& id, const std::string& phone_type,
                   const std::string& number, int64_t at) {
    CallAttempt a = NewAttempt(id, user_id, phone_type, number, at);
    EXPECT_OK(store_->call_attempts().Create(a));
    a.version = 1;
    Result<int64_t> method = Confirm(a, at);
    EXPECT_TRUE(method.ok()) << method.status().ToString();
    return method.ok() ? *method : 0;
  }

  std::filesystem::path dir_;
  SqlStoreOptions options_;
  std::unique_ptr<Store> store_;
  int64_t tenant_id_ = 0;
  int64_t ana_ = 0;
};

// Runs `fn(i)` on `n` threads at once and returns how many returned true.
template <typename Fn>
int CountTrueInParallel(int n, Fn fn) {
  std::atomic<int> go{0}, yes{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      while (go.load() == 0) std::this_thread::yield();
      if (fn(i)) yes.fetch_add(1);
    });
  }
  go.store(1);
  for (auto& t : threads) t.join();
  return yes.load();
}

// The backends every contract test runs against.
inline auto StoreBackends() {
  return ::testing::Values(std::string("sqlite3"), std::string("postgresql"));
}
inline std::string BackendName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace secinfo::store::test
