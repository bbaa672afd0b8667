// The web application driven through its handler, on a throw-away SQLite store, with a fake clock.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "channels/email/simulated/simulated_email.h"
#include "channels/sms/simulated/simulated_sms.h"
#include "channels/voice/simulated/simulated_voice.h"
#include "cli/demo.h"
#include "crypto/password.h"
#include "http/url.h"
#include "policy/policy.h"
#include "store/sql/sql_store.h"
#include "web/app.h"
#include "web/context.h"

namespace secinfo::web {
namespace {

class WebTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(testing::TempDir()) /
           ("web_test_" + std::to_string(::getpid()) + "_" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    store::SqlStoreOptions o;
    o.connection = (dir_ / "db.sqlite").string();
    auto s = store::OpenSqlStore(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    store::Tenant t{0, "Contoso", "contoso.example", "fr", "FR"};
    tenant_id_ = *store_->tenants().Create(t);
    store::User u;
    u.tenant_id = tenant_id_;
    u.username = "ana@contoso.example";
    u.display_name = "Ana";
    u.password_hash = *crypto::HashPassword("correct horse");
    user_id_ = *store_->users().Create(u);

    sim_ = std::make_unique<channels::SimulatedVoice>(store_->sim_calls(), clock_);
    phones_ = std::make_unique<flows::PhoneRegistration>(*store_, *sim_, clock_, random_,
                                                         flows::PhoneRegistrationOptions{});
    sim_->SetEventSink(phones_.get());
    sessions_ = std::make_unique<flows::Sessions>(*store_, clock_, random_, flows::SignInOptions{});
    sms_ = std::make_unique<channels::SimulatedSms>(store_->sim_messages(), clock_);
    email_ = std::make_unique<channels::SimulatedEmail>(store_->sim_messages(), clock_);
    codes_ = std::make_unique<flows::CodeRegistration>(*store_, *sms_, *email_, clock_, random_,
                                                       "otp-key", flows::CodeOptions{});
    app_ = BuildWebApp(WebDeps{*store_, *sessions_, *phones_, *codes_, sim_.get(),
                               &store_->sim_messages(), clock_, random_, std::string(32, 'k')});
  }

  http::Response Get(const std::string& target, const std::string& lang = "en") {
    http::Request r;
    r.method = "GET";
    r.target = target;
    size_t q = target.find('?');
    r.path = http::UrlDecode(target.substr(0, q), false);
    if (q != std::string::npos) r.query = http::ParseUrlEncoded(target.substr(q + 1));
    r.cookies = cookies_;
    r.headers["accept-language"] = lang;
    r.remote_ip = "192.0.2.10";
    return Remember(app_(r));
  }

  http::Response Post(const std::string& path, std::map<std::string, std::string> form,
                      bool with_csrf = true) {
    http::Request r;
    r.method = "POST";
    r.target = path;
    r.path = http::UrlDecode(path, false);
    r.form = std::move(form);
    if (with_csrf) r.form["csrf"] = Csrf();
    r.cookies = cookies_;
    r.headers["accept-language"] = "en";
    r.remote_ip = "192.0.2.10";
    return Remember(app_(r));
  }

  // The CSRF token the server expects for the current cookies.
  std::string Csrf() {
    auto session = cookies_.find(kSessionCookie);
    std::string binding = session != cookies_.end() ? session->second : cookies_[kPreSessionCookie];
    return CsrfToken(std::string(32, 'k'), binding);
  }

  http::Response Remember(http::Response r) {
    for (const auto& [name, value] : r.headers) {
      if (!http::EqualsIgnoreCase(name, "Set-Cookie")) continue;
      std::string pair = value.substr(0, value.find(';'));
      size_t eq = pair.find('=');
      std::string v = pair.substr(eq + 1);
      if (v.empty()) {
        cookies_.erase(pair.substr(0, eq));
      } else {
        cookies_[pair.substr(0, eq)] = v;
      }
    }
    return r;
  }

  void SignIn() {
    Get("/sign-in");
    http::Response r =
        Post("/sign-in", {{"username", "Ana@Contoso.example"}, {"password", "correct horse"}});
    ASSERT_EQ(r.status, 303) << r.body;
  }

  std::filesystem::path dir_;
  FakeClock clock_;
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<channels::SimulatedVoice> sim_;
  std::unique_ptr<flows::PhoneRegistration> phones_;
  std::unique_ptr<flows::Sessions> sessions_;
  std::unique_ptr<channels::SimulatedSms> sms_;
  std::unique_ptr<channels::SimulatedEmail> email_;
  std::unique_ptr<flows::CodeRegistration> codes_;
  http::Handler app_;
  std::map<std::string, std::string> cookies_;
  int64_t tenant_id_ = 0;
  int64_t user_id_ = 0;
};

TEST_F(WebTest, EveryResponseCarriesSecurityHeaders) {
  for (const char* path : {"/sign-in", "/nowhere", "/static/style.css", "/healthz"}) {
    http::Response r = Get(path);
    EXPECT_NE(r.GetHeader("Content-Security-Policy").find("frame-ancestors 'none'"),
              std::string::npos)
        << path;
    EXPECT_EQ(r.GetHeader("Content-Security-Policy").find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(r.GetHeader("X-Content-Type-Options"), "nosniff") << path;
    EXPECT_FALSE(r.GetHeader("Referrer-Policy").empty()) << path;
  }
  EXPECT_EQ(Get("/nowhere").status, 404);
  EXPECT_EQ(Get("/readyz").status, 200);
}

TEST_F(WebTest, SignInSetsAnHttpOnlySameSiteSessionCookie) {
  Get("/sign-in");
  http::Response r =
      Post("/sign-in", {{"username", "ana@contoso.example"}, {"password", "correct horse"}});
  ASSERT_EQ(r.status, 303);
  EXPECT_EQ(r.GetHeader("Location"), "/security-info");
  bool found = false;
  for (const auto& [name, value] : r.headers) {
    if (value.rfind(std::string(kSessionCookie) + "=", 0) == 0) {
      found = true;
      EXPECT_NE(value.find("HttpOnly"), std::string::npos);
      EXPECT_NE(value.find("SameSite=Lax"), std::string::npos);
    }
  }
  EXPECT_TRUE(found);
  http::Response page = Get("/security-info");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("Security info"), std::string::npos);
}

TEST_F(WebTest, UnknownUserAndWrongPasswordGetTheSameAnswer) {
  Get("/sign-in");
  http::Response wrong = Post("/sign-in", {{"username", "ana@contoso.example"}, {"password", "x"}});
  http::Response unknown =
      Post("/sign-in", {{"username", "nobody@contoso.example"}, {"password", "x"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_NE(wrong.body.find("Your account or password is incorrect."), std::string::npos);
  EXPECT_NE(unknown.body.find("Your account or password is incorrect."), std::string::npos);
}

TEST_F(WebTest, FailedSignInsAreThrottledPerAccount) {
  Get("/sign-in");
  for (int i = 0; i < 5; ++i) {
    Post("/sign-in", {{"username", "ana@contoso.example"}, {"password", "wrong"}});
  }
  // Even the right password is refused while throttled; the window passes with the clock.
  http::Response r =
      Post("/sign-in", {{"username", "ana@contoso.example"}, {"password", "correct horse"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_NE(r.body.find("Too many failed sign-in attempts"), std::string::npos);
  clock_.AdvanceSeconds(16 * 60);
  EXPECT_EQ(
      Post("/sign-in", {{"username", "ana@contoso.example"}, {"password", "correct horse"}}).status,
      303);
}

TEST_F(WebTest, PostWithoutCsrfTokenIsRefusedAndChangesNothing) {
  SignIn();
  http::Response r = Post("/security-info/phone",
                          {{"region", "FR"}, {"number", "0425555123"}, {"phone_type", "office"}},
                          /*with_csrf=*/false);
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("This form has expired"), std::string::npos);
  EXPECT_TRUE(sim_->Numbers()->empty());
}

TEST_F(WebTest, PagesNeedSignIn) {
  http::Response r = Get("/security-info/phone");
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.GetHeader("Location"), "/sign-in?return_to=%2Fsecurity-info%2Fphone");
}

TEST_F(WebTest, LanguageFollowsTheBrowserThenTheChoice) {
  EXPECT_NE(Get("/sign-in", "fr-FR,fr;q=0.9").body.find("Connexion"), std::string::npos);
  EXPECT_NE(Get("/sign-in", "en-US").body.find("<html lang=\"en\">"), std::string::npos);
  Post("/language", {{"lang", "fr"}, {"return_to", "/sign-in"}});
  EXPECT_NE(Get("/sign-in", "en-US").body.find("<html lang=\"fr\">"), std::string::npos);
}

TEST_F(WebTest, InvalidNumberIsExplainedAndNothingIsCalled) {
  SignIn();
  http::Response r = Post("/security-info/phone",
                          {{"region", "FR"}, {"number", "06 12 ab"}, {"phone_type", "mobile"}});
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("A phone number may contain only digits"), std::string::npos);
  EXPECT_NE(r.body.find("aria-invalid=\"true\""), std::string::npos);
  EXPECT_TRUE(sim_->Numbers()->empty());
}

TEST_F(WebTest, RegisterAPhoneThroughTheSimulatedNetwork) {
  SignIn();
  http::Response r =
      Post("/security-info/phone",
           {{"region", "FR"}, {"number", "+33 4 25 55 51 23-12345"}, {"phone_type", "office"}});
  ASSERT_EQ(r.status, 303) << r.body;
  std::string call_page = r.GetHeader("Location");
  EXPECT_NE(call_page.find("ext=12345"), std::string::npos);
  http::Response page = Get(call_page);
  EXPECT_NE(page.body.find("we removed the extension 12345"), std::string::npos);
  EXPECT_NE(page.body.find("Your phone is ringing"), std::string::npos);

  // The phone answers and presses # on the simulator's pages.
  auto calls = sim_->CallsTo("+33425555123");
  ASSERT_EQ(calls->size(), 1u);
  std::string base = "/sim/phone/%2B33425555123/calls/" + calls->front().id;
  EXPECT_EQ(Post(base + "/answer", {}).status, 303);
  EXPECT_NE(Get("/sim/phone/%2B33425555123").body.find("press the pound key"), std::string::npos);
  EXPECT_EQ(Post(base + "/key", {{"key", "#"}}).status, 303);

  page = Get(call_page);
  EXPECT_NE(page.body.find("Your phone was registered successfully"), std::string::npos);
  http::Response info = Get("/security-info");
  EXPECT_NE(info.body.find("+33 4 25 55 51 23"), std::string::npos);
  EXPECT_NE(info.body.find("Office phone"), std::string::npos);
  EXPECT_EQ(sim_->Get(calls->front().id)->state, "ended");
}

TEST_F(WebTest, PolicyThatDisallowsPhoneHidesItAndRefusesIt) {
  ASSERT_TRUE(policy::SetAllowedMethods(store_->tenants(), tenant_id_, {}).ok());
  SignIn();
  http::Response add = Get("/security-info/add");
  EXPECT_EQ(add.body.find("value=\"phone\""), std::string::npos);
  EXPECT_NE(add.body.find("does not allow any method"), std::string::npos);
  EXPECT_EQ(Get("/security-info/phone").status, 403);
  http::Response r = Post("/security-info/phone",
                          {{"region", "FR"}, {"number", "0425555123"}, {"phone_type", "office"}});
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(sim_->Numbers()->empty());
}

TEST_F(WebTest, AnotherPersonsCallIsNotFound) {
  SignIn();
  http::Response r = Post("/security-info/phone",
                          {{"region", "FR"}, {"number", "0425555123"}, {"phone_type", "office"}});
  std::string call_page = r.GetHeader("Location");
  cookies_.clear();
  store::User u;
  u.tenant_id = tenant_id_;
  u.username = "ben@contoso.example";
  u.password_hash = *crypto::HashPassword("another horse");
  store_->users().Create(u);
  Get("/sign-in");
  Post("/sign-in", {{"username", "ben@contoso.example"}, {"password", "another horse"}});
  EXPECT_EQ(Get(call_page).status, 404);
}

TEST_F(WebTest, BadInputNeverBreaksAPage) {
  SignIn();
  for (const char* path :
       {"/security-info/methods/abc/delete", "/security-info/methods/99999999999999999999/delete",
        "/security-info/phone/calls/nope", "/sim/phone/garbage", "/sim/phone/%2B1",
        "/security-info/phone?region=ZZ&type=%00"}) {
    http::Response r = Get(path);
    EXPECT_LT(r.status, 500) << path;
  }
  EXPECT_EQ(Post("/security-info/default", {{"method_id", "-1"}}).status, 404);
  EXPECT_EQ(Post("/sim/phone/%2B33425555123/calls/nope/answer", {}).status, 404);
}

}  // namespace
}  // namespace secinfo::web
