// Migration 015 moves each kind's fields from columns of the methods row into the kind's own
// record (data) and its keys (method_keys). A database written before it must read the same
// through the kinds' decoders after it, on both backends.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "methods/registry.h"
#include "store/sql/db.h"
#include "store/sql/migrations.h"
#include "store/sql/store_test_fixture.h"

namespace secinfo::store::test {
namespace {

using sql::Db;
using sql::Query;

constexpr char kFirstMigrationOfKindData[] = "015_method_kind_data";

constexpr char kInsertTenant[] =
    "INSERT INTO tenants (name, domain, default_locale, default_region)"
    " VALUES ('Contoso', 'contoso.example', 'fr', 'FR') RETURNING id";
constexpr char kInsertUser[] =
    "INSERT INTO users (tenant_id, username, display_name, password_hash, locale, created_at)"
    " VALUES (:tenant_id, :username, 'Ana', '$argon2id$x', '', 1) RETURNING id";
// A methods row as every version before 015 wrote it.
constexpr char kInsertOldMethod[] =
    "INSERT INTO methods (user_id, kind, phone_type, phone_e164, email, name, secret, public_key,"
    " device_id, last_used_step, created_at)"
    " VALUES (:user_id, :kind, :phone_type, :phone_e164, :email, :name, :secret, :public_key,"
    " :device_id, :last_used_step, :created_at) RETURNING id";
constexpr char kInsertAnswer[] =
    "INSERT INTO question_answers (method_id, position, question_id, answer_hash)"
    " VALUES (:method_id, 0, 'question_predefined_01', '$argon2id$a')";

struct OldMethod {
  std::string kind, phone_type, phone_e164, email, name, secret, public_key, device_id;
  int64_t last_used_step = 0;
};

class MethodDataMigrationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    ASSERT_FALSE(dir_.empty());
    options_ = OptionsFor(GetParam(), dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  // Migrations before 015 when `before`, the rest otherwise.
  static std::vector<sql::Migration> Migrations(const Db& db, bool before) {
    std::vector<sql::Migration> out;
    for (sql::Migration& m : sql::EmbeddedMigrations(db.dialect())) {
      if ((m.version < kFirstMigrationOfKindData) == before) out.push_back(std::move(m));
    }
    return out;
  }

  std::filesystem::path dir_;
  SqlStoreOptions options_;
};

TEST_P(MethodDataMigrationTest, MethodsWrittenBeforeReadTheSameThroughTheirKinds) {
  int64_t ana = 0, ben = 0;
  std::map<std::string, int64_t> ids;  // by a name of the test's
  {
    Result<std::unique_ptr<Db>> db = Db::Open(options_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    ASSERT_TRUE(sql::ApplyPendingMigrations(**db, Migrations(**db, true)).ok());
    Status written = (*db)->Write("old rows", [&](soci::session& session) {
      int64_t tenant = 0;
      Query(session, kInsertTenant).Into(tenant).Run();
      for (auto [name, id] :
           {std::pair{"ana@contoso.example", &ana}, std::pair{"ben@contoso.example", &ben}}) {
        std::string username = name;
        Query(session, kInsertUser).Use(tenant).Use(username).Into(*id).Run();
      }
      const std::map<std::string, std::pair<int64_t, OldMethod>> rows = {
          {"mobile", {ana, {"phone", "mobile", "+33612345678"}}},
          {"office", {ana, {"phone", "office", "+33425555123"}}},
          {"email", {ana, {"email", "", "", "ana@example.org"}}},
          {"bound app",
           {ana, {"authenticator", "", "", "", "Pixel 8", "c2VhbGVk", "cHVi", "dev-1", 42}}},
          {"app", {ana, {"authenticator", "", "", "", "iPad", "c2VhbGVkMg", "", "", 7}}},
          {"questions", {ana, {"questions"}}},
          {"ben's mobile", {ben, {"phone", "mobile", "+33612345678"}}},
      };
      int64_t at = 100;
      for (const auto& [label, row] : rows) {
        OldMethod m = row.second;
        int64_t user = row.first, id = 0;
        ++at;
        Query(session, kInsertOldMethod)
            .Use(user)
            .Use(m.kind)
            .Use(m.phone_type)
            .Use(m.phone_e164)
            .Use(m.email)
            .Use(m.name)
            .Use(m.secret)
            .Use(m.public_key)
            .Use(m.device_id)
            .Use(m.last_used_step)
            .Use(at)
            .Into(id)
            .Run();
        ids[label] = id;
      }
      Query(session, kInsertAnswer).Use(ids["questions"]).Run();
      return Status::Ok();
    });
    ASSERT_OK(written);
    Result<std::vector<std::string>> applied =
        sql::ApplyPendingMigrations(**db, Migrations(**db, false));
    ASSERT_TRUE(applied.ok()) << applied.status().ToString();
    ASSERT_FALSE(applied->empty());
    EXPECT_EQ(applied->front(), kFirstMigrationOfKindData);
  }

  std::unique_ptr<Store> store = MustOpen(options_);
  ASSERT_NE(store, nullptr);
  Result<std::vector<Method>> listed = store->methods().ListForUser(ana);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 6u);
  std::map<int64_t, Method> by_id;
  for (Method& m : *listed) by_id[m.id] = m;

  const Method& mobile = by_id[ids["mobile"]];
  EXPECT_EQ(mobile.kind, methods::MethodKind::kPhone);
  EXPECT_EQ(methods::phone::DataOf(mobile).type, "mobile");
  EXPECT_EQ(methods::phone::DataOf(mobile).number, "+33612345678");
  EXPECT_EQ(methods::LabelKey(mobile), "phone_type_mobile");
  EXPECT_EQ(methods::ProofsFor(mobile, methods::Purpose::kMfa).size(), 2u);  // call and text
  EXPECT_EQ(methods::phone::DataOf(by_id[ids["office"]]).number, "+33425555123");

  EXPECT_EQ(methods::email::DataOf(by_id[ids["email"]]).address, "ana@example.org");

  const Method& bound = by_id[ids["bound app"]];
  EXPECT_EQ(methods::authenticator::DataOf(bound).name, "Pixel 8");
  EXPECT_EQ(methods::authenticator::DataOf(bound).public_key, "cHVi");
  EXPECT_EQ(methods::authenticator::DataOf(bound).device_id, "dev-1");
  EXPECT_EQ(bound.secret, "c2VhbGVk");
  EXPECT_EQ(bound.counter, 42);
  EXPECT_EQ(methods::ProofsFor(bound, methods::Purpose::kMfa).front(), methods::Proof::kPush);
  const Method& app = by_id[ids["app"]];
  EXPECT_EQ(methods::DetailText(app), "iPad");
  EXPECT_EQ(app.counter, 7);
  EXPECT_EQ(methods::ProofsFor(app, methods::Purpose::kMfa),
            std::vector<methods::Proof>{methods::Proof::kAppCode});

  EXPECT_EQ(by_id[ids["questions"]].kind, methods::MethodKind::kQuestions);
  EXPECT_EQ(store->questions().GetAnswers(ana, ids["questions"])->size(), 1u);

  // The keys the kinds declare now hold what the partial unique indexes did.
  for (const auto& [label, expected] : std::map<std::string, Method>{
           {"mobile", PhoneMethod(0, "mobile", "+33612345678")},
           {"email", EmailMethod(0, "ana@example.org")},
           {"bound app",
            [] {
              Method m;
              methods::authenticator::Put({"Pixel 8", "cHVi", "dev-1"}, m);
              return m;
            }()},
           {"questions", QuestionsMethod(0)}}) {
    EXPECT_EQ(by_id[ids[label]].keys, [&] {
      std::vector<std::string> keys = expected.keys;
      std::sort(keys.begin(), keys.end());
      return keys;
    }()) << label;
  }
  Result<Method> found = store->methods().FindByKey(methods::authenticator::DeviceKey("dev-1"));
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(found->id, ids["bound app"]);
  EXPECT_EQ(store->methods().Create(PhoneMethod(ana, "mobile", "+33699999999")).status().code(),
            Status::Code::kAlreadyExists);  // a second mobile
  EXPECT_EQ(
      store->methods().Create(PhoneMethod(ana, "alternate_mobile", "+33425555123")).status().code(),
      Status::Code::kAlreadyExists);  // the office number again
  EXPECT_EQ(store->methods().Create(EmailMethod(ana, "other@example.org")).status().code(),
            Status::Code::kAlreadyExists);
  // What differs from every key is registered, for her and for anyone.
  EXPECT_TRUE(store->methods().Create(PhoneMethod(ana, "alternate_mobile", "+33699999999")).ok());
  EXPECT_TRUE(store->methods().Create(EmailMethod(ben, "ben@example.org")).ok());
  EXPECT_EQ(store->methods().ListForUser(ben)->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, MethodDataMigrationTest, StoreBackends(), BackendName);

}  // namespace
}  // namespace secinfo::store::test
