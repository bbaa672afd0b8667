#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <regex>
#include <string>

#include "store/sql/sql_store.h"

namespace secinfo::flows::testing_support {

// The database file of OpenTestStore(prefix) in the running test.
inline std::filesystem::path TestStoreFile(const std::string& prefix) {
  return std::filesystem::path(::testing::TempDir()) /
         (prefix + "_" + std::to_string(::getpid()) + "_" +
          ::testing::UnitTest::GetInstance()->current_test_info()->name()) /
         "db.sqlite";
}

// A fresh SQLite store in the test's own temporary folder, named after the running test.
inline std::unique_ptr<store::Store> OpenTestStore(const std::string& prefix) {
  const std::filesystem::path file = TestStoreFile(prefix);
  std::filesystem::remove_all(file.parent_path());
  store::SqlStoreOptions o;
  o.connection = file.string();
  auto s = store::OpenSqlStore(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(*s) : nullptr;
}

// The tenant most flow tests start with (Contoso, French, France) and Ana in it, whose password
// hash is a placeholder no password matches. Returns Ana as stored.
inline store::User AddContosoAndAna(store::Store& store) {
  store::User u;
  u.tenant_id = *store.tenants().Create({0, "Contoso", "contoso.example", "fr", "FR"});
  u.username = "ana@contoso.example";
  u.password_hash = "$argon2id$unused";
  u.id = *store.users().Create(u);
  return u;
}

// The six-digit code in the newest simulated message to `to` ("sms" or "email"), as the person
// reads it; "" when there is none.
inline std::string LastCodeSent(store::Store& store, const std::string& channel,
                                const std::string& to) {
  auto m = store.sim_messages().ListFor(channel, to, 1);
  std::smatch match;
  const std::string body = m.ok() && !m->empty() ? m->front().body : "";
  return std::regex_search(body, match, std::regex("\\b(\\d{6})\\b")) ? match[1].str() : "";
}

}  // namespace secinfo::flows::testing_support
