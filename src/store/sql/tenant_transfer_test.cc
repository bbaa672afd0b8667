#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "methods/registry.h"
#include "store/sql/store_test_fixture.h"

// A tenant moved from SQLite to PostgreSQL with `secinfo admin export` / `import`: every row of
// every table arrives, and reads back the same.
namespace secinfo::store::test {
namespace {

class TenantTransferTest : public StoreContractTest {
 protected:
  // Something in every table a tenant owns, through the store as the flows write it.
  void FillContoso() {
    Store& s = *store_;
    ASSERT_OK(s.tenants().SetMethodSwitch(tenant_id_, {"phone", true, true, false}));
    ASSERT_OK(
        s.tenants().SetTollFraudPolicy(tenant_id_, TollFraudPolicy{.countries = {"FR", "BE"}}));
    ASSERT_OK(s.tenants().AddBannedWord(tenant_id_, "lutece", "Lutèce"));
    ASSERT_OK(
        s.questions().SetSettings(tenant_id_, QuestionSettings{.to_register = 4, .to_reset = 2}));
    Result<int64_t> custom = s.questions().AddCustom(CustomQuestion{
        .tenant_id = tenant_id_, .text = "Nom de votre premier chat ?", .created_at = kT0});
    ASSERT_TRUE(custom.ok());
    std::string audio;
    for (int i = 0; i < 4000; ++i) audio += static_cast<char>(i % 256);  // every byte, NULs too
    ASSERT_OK(s.greetings().Put(Greeting{.tenant_id = tenant_id_,
                                         .locale = "fr",
                                         .audio_ulaw = audio,
                                         .duration_ms = 500,
                                         .created_at = kT0}));
    ASSERT_OK(s.sign_in().SetPolicy(
        tenant_id_, SignInPolicy{.mfa = "listed", .mfa_listed = {"admins"}, .remember_days = 7}));

    int64_t bruno = NewUser("bruno");
    int64_t mobile = AddPhone(ana_, "att-1", "mobile", "+33612345678", kT0);
    ASSERT_OK(
        s.call_attempts().Create(NewAttempt("att-2", ana_, "office", "+33425555123", kT0 + 5)));
    Method bound = AppMethod(ana_, "Pixel", "c2VhbGVk", kT0 + 10);
    methods::authenticator::Put({"Pixel", "cHVi", "dev-1"}, bound);
    bound.counter = 42;
    Result<int64_t> app = s.methods().Create(bound);
    ASSERT_TRUE(app.ok()) << app.status().ToString();
    Result<int64_t> questions = s.questions().SaveAnswers(
        QuestionsMethod(bruno, kT0),
        {{"builtin:pet", "$argon2id$a"}, {"custom:" + std::to_string(*custom), "$argon2id$b"}});
    ASSERT_TRUE(questions.ok()) << questions.status().ToString();
    ASSERT_OK(s.users().SetDefaultMethod(ana_, *app, "app_code"));
    ASSERT_OK(s.sessions().Create(Session{.id_hash = "sess-1",
                                          .user_id = ana_,
                                          .tenant_id = tenant_id_,
                                          .created_at = kT0,
                                          .last_seen_at = kT0,
                                          .expires_at = kT0 + 1000,
                                          .amr = "pwd otp",
                                          .second_factor_at = kT0,
                                          .client_ip = "192.0.2.1",
                                          .user_agent = "Firefox"}));
    ASSERT_OK(s.sign_in().RememberBrowser(RememberedBrowser{.id_hash = "rb-1",
                                                            .user_id = ana_,
                                                            .tenant_id = tenant_id_,
                                                            .created_at = kT0,
                                                            .expires_at = kT0 + 7 * 86'400'000}));
    ASSERT_TRUE(*s.sign_in().ReserveCheck(bruno, kT0, 10, 60'000, 100));
    ASSERT_OK(s.sign_in().Block(VerificationBlock{.user_id = bruno,
                                                  .tenant_id = tenant_id_,
                                                  .blocked_at = kT0,
                                                  .until = kT0 + 3'600'000,
                                                  .reason = "fraud_report",
                                                  .detail = "0# pressed"}));
    ASSERT_OK(s.sign_in().CreateVerification(Verification{.id = "ver-1",
                                                          .tenant_id = tenant_id_,
                                                          .user_id = ana_,
                                                          .binding = "b",
                                                          .purpose = "sign_in",
                                                          .method_id = mobile,
                                                          .proof = "call",
                                                          .challenge_id = "att-2",
                                                          .state = VerificationState::kPending,
                                                          .created_at = kT0,
                                                          .expires_at = kT0 + 300'000}));
    ASSERT_OK(s.code_challenges().Create(CodeChallenge{.id = "code-1",
                                                       .tenant_id = tenant_id_,
                                                       .user_id = bruno,
                                                       .purpose = "register",
                                                       .channel = "sms",
                                                       .destination = "+33698765432",
                                                       .method_kind = methods::MethodKind::kPhone,
                                                       .phone_type = "mobile",
                                                       .locale = "fr",
                                                       .code_hash = "h",
                                                       .state = CodeChallengeState::kPending,
                                                       .sends = 1,
                                                       .expires_at = kT0 + 180'000,
                                                       .created_at = kT0,
                                                       .updated_at = kT0}));
    ASSERT_TRUE(s.text_deliveries()
                    .Track(TextDelivery{.provider = "smpp",
                                        .message_id = "msg-1",
                                        .tenant_id = tenant_id_,
                                        .challenge_id = "code-1",
                                        .send = 1,
                                        .parts = 1,
                                        .sent_at = kT0,
                                        .created_at = kT0})
                    .ok());
    ASSERT_OK(s.app_enrolments().Create(AppEnrolment{.id = "enr-1",
                                                     .tenant_id = tenant_id_,
                                                     .user_id = bruno,
                                                     .name = "iPhone",
                                                     .secret = "c2VhbGVkMg",
                                                     .state = AppEnrolmentState::kPending,
                                                     .created_at = kT0,
                                                     .expires_at = kT0 + 600'000}));
    ASSERT_OK(s.push().CreateEnrolToken(PushEnrolToken{.token_hash = "tok",
                                                       .tenant_id = tenant_id_,
                                                       .user_id = ana_,
                                                       .method_id = *app,
                                                       .created_at = kT0,
                                                       .expires_at = kT0 + 600'000}));
    ASSERT_OK(s.push().CreateChallenge(PushChallenge{.id = "push-1",
                                                     .tenant_id = tenant_id_,
                                                     .user_id = ana_,
                                                     .method_id = *app,
                                                     .number = 42,
                                                     .purpose = "sign_in",
                                                     .state = PushState::kDenied,
                                                     .reported = true,
                                                     .created_at = kT0,
                                                     .expires_at = kT0 + 60'000}));
    ASSERT_OK(s.password_resets().SetPolicy(
        tenant_id_, ResetPolicy{.methods_required = 2, .notify_admins = true}));
    ASSERT_OK(s.password_resets().Create(PasswordReset{.id_hash = "reset-1",
                                                       .tenant_id = tenant_id_,
                                                       .user_id = ana_,
                                                       .username = "ana@contoso.example",
                                                       .steps = 2,
                                                       .created_at = kT0,
                                                       .expires_at = kT0 + 900'000}));
    ASSERT_OK(s.password_resets().SetReviewedAt(ana_, kT0));
    ASSERT_OK(s.oidc().CreateClient(OidcClient{.id = "wiki",
                                               .tenant_id = tenant_id_,
                                               .name = "Wiki",
                                               .secret_hash = "ab",
                                               .redirect_uris = {"https://wiki.example/cb"},
                                               .scopes = {"openid", "email"},
                                               .created_at = kT0}));
    const OidcGrant grant{.grant_id = "grant-1",
                          .client_id = "wiki",
                          .tenant_id = tenant_id_,
                          .user_id = ana_,
                          .scope = "openid email",
                          .auth_time = kT0,
                          .amr = "pwd otp mfa"};
    ASSERT_OK(s.oidc().CreateCode(OidcCode{.code_hash = "code-hash",
                                           .grant = grant,
                                           .redirect_uri = "https://wiki.example/cb",
                                           .created_at = kT0,
                                           .expires_at = kT0 + 60'000}));
    ASSERT_OK(s.oidc().CreateTokens({OidcToken{.token_hash = "token-hash",
                                               .kind = "refresh",
                                               .grant = grant,
                                               .created_at = kT0,
                                               .expires_at = kT0 + 3'600'000}}));
    ASSERT_OK(s.oidc().SetConsent(ana_, "wiki", "openid email", kT0));
    ASSERT_OK(s.audit().Append(AuditEntry{.at = kT0,
                                          .tenant_id = tenant_id_,
                                          .user_id = ana_,
                                          .actor = "ana",
                                          .ip = "192.0.2.1",
                                          .action = "sign_in",
                                          .result = "success"}));

    // Another tenant, which the export leaves out.
    Result<int64_t> fabrikam = s.tenants().Create(Tenant{.name = "Fabrikam",
                                                         .domain = "fabrikam.example",
                                                         .default_locale = "en",
                                                         .default_region = "US"});
    ASSERT_TRUE(fabrikam.ok());
  }
};

std::vector<std::string> SortedLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

int64_t Total(const std::vector<TransferCount>& counts) {
  int64_t n = 0;
  for (const TransferCount& c : counts) n += c.rows;
  return n;
}

TEST_P(TenantTransferTest, ATenantMovesFromSqliteToPostgresqlWithNothingLost) {
  ASSERT_EQ(options_.backend, "sqlite3");
  ASSERT_NO_FATAL_FAILURE(FillContoso());
  std::ostringstream exported;
  Result<std::vector<TransferCount>> out = ExportTenant(options_, "contoso.example", exported);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  for (const TransferCount& c : *out) EXPECT_GT(c.rows, 0) << c.table << " is not exercised";

  SqlStoreOptions pg = OptionsFor("postgresql", dir_);
  std::istringstream in(exported.str());
  Result<std::vector<TransferCount>> imported = ImportTenant(pg, in);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  ASSERT_EQ(imported->size(), out->size());
  for (size_t i = 0; i < out->size(); ++i) {
    EXPECT_EQ((*imported)[i].table, (*out)[i].table);
    EXPECT_EQ((*imported)[i].rows, (*out)[i].rows) << (*out)[i].table;
  }

  // Exported again from PostgreSQL: the same rows, column for column.
  std::ostringstream again;
  Result<std::vector<TransferCount>> back = ExportTenant(pg, "contoso.example", again);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(SortedLines(again.str()), SortedLines(exported.str()));

  // And the store reads it as it was written.
  std::unique_ptr<Store> moved = MustOpen(pg);
  ASSERT_NE(moved, nullptr);
  Result<User> ana = moved->users().FindByUsername("ana@contoso.example");
  ASSERT_TRUE(ana.ok());
  EXPECT_EQ(ana->id, ana_);
  EXPECT_EQ(ana->default_method_id, store_->users().Get(ana_)->default_method_id);
  EXPECT_EQ(moved->greetings().Get(tenant_id_, "fr")->audio_ulaw,
            store_->greetings().Get(tenant_id_, "fr")->audio_ulaw);
  // Every method with its kind's record, keys, secret and counter; the app is still found by its
  // device, and its keys still refuse a second phone of a type.
  Result<std::vector<Method>> before = store_->methods().ListForUser(ana_);
  Result<std::vector<Method>> after = moved->methods().ListForUser(ana_);
  ASSERT_TRUE(before.ok() && after.ok());
  ASSERT_EQ(after->size(), 2u);
  ASSERT_EQ(after->size(), before->size());
  for (size_t i = 0; i < after->size(); ++i) {
    EXPECT_EQ((*after)[i].id, (*before)[i].id);
    EXPECT_EQ((*after)[i].kind, (*before)[i].kind);
    EXPECT_EQ((*after)[i].keys, (*before)[i].keys);
    EXPECT_EQ((*after)[i].secret, (*before)[i].secret);
    EXPECT_EQ((*after)[i].counter, (*before)[i].counter);
    EXPECT_EQ(methods::DetailText((*after)[i]), methods::DetailText((*before)[i]));
  }
  Result<Method> app = moved->methods().FindByKey(methods::authenticator::DeviceKey("dev-1"));
  ASSERT_TRUE(app.ok()) << app.status().ToString();
  EXPECT_EQ(methods::authenticator::DataOf(*app).public_key, "cHVi");
  EXPECT_EQ(app->counter, 42);
  EXPECT_EQ(moved->methods().Create(PhoneMethod(ana_, "mobile", "+33611111111")).status().code(),
            Code::kAlreadyExists);
  EXPECT_EQ(*moved->methods().AnySealedSecret(), *store_->methods().AnySealedSecret());
  EXPECT_TRUE(moved->sessions().Get("sess-1", kT0).ok());
  EXPECT_EQ(moved->tenants().FindByDomain("fabrikam.example").status().code(), Code::kNotFound);
  // New rows take new ids: the identities moved past the imported ones.
  Result<int64_t> carla = moved->users().Create(User{.tenant_id = tenant_id_,
                                                     .username = "carla@contoso.example",
                                                     .display_name = "Carla",
                                                     .password_hash = "$argon2id$c",
                                                     .locale = "",
                                                     .created_at = kT0});
  ASSERT_TRUE(carla.ok()) << carla.status().ToString();
  EXPECT_GT(*carla, ana_);

  // A second import clashes with the first and keeps nothing of itself.
  std::istringstream twice(exported.str());
  EXPECT_EQ(ImportTenant(pg, twice).status().code(), Code::kAlreadyExists);
  EXPECT_EQ(moved->users().ListForTenant(tenant_id_)->size(), 3u);
  std::cout << "moved " << Total(*imported) << " rows in " << imported->size() << " tables\n";
}

TEST_P(TenantTransferTest, BadInputIsRefusedAndChangesNothing) {
  SqlStoreOptions pg = OptionsFor("postgresql", dir_);
  auto import = [&](const std::string& text) {
    std::istringstream in(text);
    return ImportTenant(pg, in).status();
  };
  EXPECT_EQ(import("").code(), Code::kInvalidArgument);
  EXPECT_EQ(import("{\"hello\": 1}\n").code(), Code::kInvalidArgument);
  std::ostringstream exported;
  ASSERT_TRUE(ExportTenant(options_, "contoso.example", exported).ok());
  std::string header = exported.str().substr(0, exported.str().find('\n') + 1);
  EXPECT_EQ(import(header + "{\"table\": \"pg_authid\", \"row\": {}}\n").code(),
            Code::kInvalidArgument);
  EXPECT_EQ(
      import(header +
             "{\"table\": \"tenants\", \"row\": {\"id\": 1, \"name; DROP TABLE users\": 1}}\n")
          .code(),
      Code::kInvalidArgument);
  std::string format1 = header;
  format1.replace(format1.find("\"secinfo_export\":2"), 18, "\"secinfo_export\":1");
  Status refused = import(format1);
  EXPECT_EQ(refused.code(), Code::kFailedPrecondition);
  EXPECT_NE(refused.message().find("export again with this version"), std::string::npos)
      << refused.ToString();
  std::string old = header;
  old.replace(old.find("\"schema\":\""), 10, "\"schema\":\"000_");
  EXPECT_EQ(import(old).code(), Code::kFailedPrecondition);
  EXPECT_EQ(ExportTenant(options_, "nowhere.example", exported).status().code(), Code::kNotFound);
  std::unique_ptr<Store> target = MustOpen(pg);
  ASSERT_NE(target, nullptr);
  EXPECT_TRUE(target->tenants().List()->empty());
}

INSTANTIATE_TEST_SUITE_P(FromSqlite, TenantTransferTest, ::testing::Values(std::string("sqlite3")),
                         BackendName);

}  // namespace
}  // namespace secinfo::store::test
