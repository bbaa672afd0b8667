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
#include "methods/questions/answers.h"
#include "policy/policy.h"
#include "store/sql/sql_store.h"
#include "web/app.h"
#include "web/context.h"

namespace secinfo::web {
namespace {

// The simulated phone of the office number the tests register.
constexpr char kOfficePhone[] = "/sim/phone/%2B33425555123";

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
                                                       sleeper_, "otp-key", flows::CodeOptions{});
    apps_ = std::make_unique<flows::AppRegistration>(
        *store_, clock_, random_, crypto::SecretBox(std::string(32, 's')), flows::AppOptions{});
    push_ = std::make_unique<flows::PushApproval>(
        *store_, clock_, random_, crypto::SecretBox(std::string(32, 's')), flows::PushOptions{});
    app_ = BuildWebApp(WebDeps{*store_, *sessions_, *phones_, *codes_, *apps_, *push_, sim_.get(),
                               &store_->sim_messages(), clock_, random_, std::string(32, 'k')});
  }

  // The same application reached at another public URL (e.g. https).
  void UsePublicUrl(const std::string& url) {
    app_ =
        BuildWebApp(WebDeps{*store_, *sessions_, *phones_, *codes_, *apps_, *push_, sim_.get(),
                            &store_->sim_messages(), clock_, random_, std::string(32, 'k'), url});
  }

  http::Response Get(const std::string& target, const std::string& lang = "en") {
    http::Request r;
    r.method = "GET";
    r.target = target;
    size_t q = target.find('?');
    r.path = http::UrlDecode(target.substr(0, q), false);
    if (q != std::string::npos) r.query = http::ParseUrlEncoded(target.substr(q + 1));
    r.cookies = cookies_;
    r.repeated_cookies = repeated_cookies_;
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

  // Signed in, Ana adds +33 4 25 55 51 23 as her office phone and answers the call on the
  // simulated phone. Returns the call as the phone had it when it rang; empty on failure.
  std::optional<store::SimCall> AnswerOfficePhoneCall() {
    SignIn();
    http::Response r = Post("/security-info/phone",
                            {{"region", "FR"}, {"number", "0425555123"}, {"phone_type", "office"}});
    auto calls = sim_->CallsTo("+33425555123");
    if (r.status != 303 || !calls.ok() || calls->size() != 1) {
      ADD_FAILURE() << "no call rang: " << r.status << " " << r.body;
      return std::nullopt;
    }
    http::Response answered =
        Post(std::string(kOfficePhone) + "/calls/" + calls->front().id + "/answer", {});
    EXPECT_EQ(answered.status, 303);
    return calls->front();
  }

  std::filesystem::path dir_;
  FakeClock clock_;
  SystemRandom random_;
  FakeScheduler sleeper_{clock_};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<channels::SimulatedVoice> sim_;
  std::unique_ptr<flows::PhoneRegistration> phones_;
  std::unique_ptr<flows::Sessions> sessions_;
  std::unique_ptr<channels::SimulatedSms> sms_;
  std::unique_ptr<channels::SimulatedEmail> email_;
  std::unique_ptr<flows::CodeRegistration> codes_;
  std::unique_ptr<flows::AppRegistration> apps_;
  std::unique_ptr<flows::PushApproval> push_;
  http::Handler app_;
  std::map<std::string, std::string> cookies_;
  std::vector<std::string> repeated_cookies_;  // as the server reports a Cookie header's repeats
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

// A delivery receipt from an HTTP SMS gateway is a machine's request: no session and no CSRF
// token, a short plain answer, GET or POST. The simulated network asks for no receipts (404); a
// network calling past the minute's limit gets 429 with Retry-After before any link is read.
TEST_F(WebTest, SmsReceiptRouteAnswersGatewaysWithoutSessionOrCsrf) {
  http::Response got = Get("/sms/receipt?ref=r&sig=s&status=1");
  EXPECT_EQ(got.status, 404);
  EXPECT_EQ(got.body, "no receipts are asked for\n");
  EXPECT_EQ(got.GetHeader("Set-Cookie"), "");
  http::Response posted =
      Post("/sms/receipt", {{"ref", "r"}, {"sig", "s"}, {"status", "1"}}, /*with_csrf=*/false);
  EXPECT_EQ(posted.status, 404);
  const int limit = static_cast<int>(flows::CodeOptions{}.max_receipt_callbacks_per_minute);
  for (int i = 2; i < limit; ++i) ASSERT_EQ(Get("/sms/receipt?ref=r").status, 404) << i;
  http::Response limited = Get("/sms/receipt?ref=r&sig=s&status=1");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.GetHeader("Retry-After"), "60");
  clock_.AdvanceSeconds(60);
  EXPECT_EQ(Get("/sms/receipt?ref=r").status, 404);
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
  // Even the right password is refused while throttled; a whole quiet window after the failures'
  // own, it is accepted.
  http::Response r =
      Post("/sign-in", {{"username", "ana@contoso.example"}, {"password", "correct horse"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_NE(r.body.find("Too many failed sign-in attempts"), std::string::npos);
  clock_.AdvanceSeconds(30 * 60);
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

TEST_F(WebTest, SignInAndLanguageChangeNeverReturnToAnotherSite) {
  // Browsers drop TAB, CR and LF from a Location, so "/<TAB>/evil.example" would be followed to
  // "//evil.example"; a space or backslash is rewritten the same way by some of them.
  const std::vector<std::string> off_site = {"/\t/evil.example", "/\n/evil.example",
                                             "/ /evil.example",  "/\\evil.example",
                                             "//evil.example",   "https://evil.example/"};
  Get("/sign-in");
  for (const std::string& target : off_site) {
    EXPECT_EQ(Post("/language", {{"lang", "fr"}, {"return_to", target}}).GetHeader("Location"),
              "/security-info")
        << target;
  }
  EXPECT_EQ(
      Post("/language", {{"lang", "en"}, {"return_to", "/sign-in?x=1"}}).GetHeader("Location"),
      "/sign-in?x=1");
  http::Response r = Post("/sign-in", {{"username", "ana@contoso.example"},
                                       {"password", "correct horse"},
                                       {"return_to", off_site.front()}});
  EXPECT_EQ(r.status, 303);
  EXPECT_EQ(r.GetHeader("Location"), "/security-info");
  for (const std::string& target : off_site) {
    EXPECT_EQ(Get("/sign-in?return_to=" + http::UrlEncode(target)).GetHeader("Location"),
              "/security-info")
        << target;
  }
}

TEST_F(WebTest, UnderHttpsCookiesGetTheHostPrefixAndResponsesSendHsts) {
  UsePublicUrl("https://id.contoso.example");
  http::Response form = Get("/sign-in");
  EXPECT_EQ(form.GetHeader("Strict-Transport-Security"), "max-age=63072000; includeSubDomains");
  const std::string pre = cookies_["__Host-secinfo_pre"];
  ASSERT_FALSE(pre.empty());
  EXPECT_EQ(cookies_.count(kPreSessionCookie), 0u);
  http::Response r = Post("/sign-in",
                          {{"username", "ana@contoso.example"},
                           {"password", "correct horse"},
                           {"csrf", CsrfToken(std::string(32, 'k'), pre)}},
                          /*with_csrf=*/false);
  ASSERT_EQ(r.status, 303) << r.body;
  std::string session_cookie;
  for (const auto& [name, value] : r.headers) {
    if (value.starts_with("__Host-secinfo_session=")) session_cookie = value;
  }
  EXPECT_NE(session_cookie.find("; Path=/"), std::string::npos) << session_cookie;
  EXPECT_NE(session_cookie.find("; Secure"), std::string::npos) << session_cookie;
  EXPECT_EQ(session_cookie.find("Domain"), std::string::npos) << session_cookie;
  EXPECT_EQ(Get("/security-info").status, 200);
  // A plain-named cookie, which a sibling subdomain could have planted, is not read.
  const std::string token = cookies_["__Host-secinfo_session"];
  cookies_ = {{kSessionCookie, token}};
  EXPECT_EQ(Get("/security-info").status, 303);
}

TEST_F(WebTest, OverPlainHttpCookiesKeepTheirNamesAndNoHstsIsSent) {
  http::Response form = Get("/sign-in");
  EXPECT_EQ(form.GetHeader("Strict-Transport-Security"), "");
  EXPECT_FALSE(cookies_[kPreSessionCookie].empty());
}

TEST_F(WebTest, OurCookieSentTwiceIsRefusedInThePersonsLanguage) {
  SignIn();
  repeated_cookies_ = {"_ga"};  // another application's cookie on the domain: not our business
  EXPECT_EQ(Get("/security-info").status, 200);
  repeated_cookies_ = {kSessionCookie};
  http::Response r = Get("/security-info");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("sent the same secinfo cookie twice"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("Ana"), std::string::npos) << "the ambiguous session must not be used";
  EXPECT_EQ(cookies_.count(kSessionCookie), 0u) << "our copy is deleted so signing in works again";
  repeated_cookies_ = {kLanguageCookie};
  r = Get("/sign-in", "fr");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("deux fois le même cookie"), std::string::npos) << r.body;
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
  http::Response phone = Get("/sim/phone/%2B33425555123");
  EXPECT_NE(phone.body.find("press the pound key"), std::string::npos);
  EXPECT_EQ(phone.body.find("id=\"greeting\""), std::string::npos);  // no recording to play
  EXPECT_EQ(Post(base + "/key", {{"key", "#"}}).status, 303);

  page = Get(call_page);
  EXPECT_NE(page.body.find("Your phone was registered successfully"), std::string::npos);
  http::Response info = Get("/security-info");
  EXPECT_NE(info.body.find("+33 4 25 55 51 23"), std::string::npos);
  EXPECT_NE(info.body.find("Office phone"), std::string::npos);
  EXPECT_EQ(sim_->Get(calls->front().id)->state, "ended");
}

TEST_F(WebTest, TheSimulatedPhoneSaysWhenTheTenantsGreetingPlays) {
  ASSERT_TRUE(store_->greetings().Put({tenant_id_, "en", std::string(8000, '\x7F'), 1000, 0}).ok());
  std::optional<store::SimCall> call = AnswerOfficePhoneCall();
  ASSERT_TRUE(call);
  EXPECT_TRUE(call->custom_greeting);
  EXPECT_NE(Get("/sim/phone/%2B33425555123").body.find("Custom greeting: the organization"),
            std::string::npos);
  EXPECT_NE(Get("/sim/phone/%2B33425555123", "fr").body.find("accueil personnalisé"),
            std::string::npos);
}

TEST_F(WebTest, TheSimulatedPhoneShowsWhatTheCallSaysAfterItsOpeningPrompt) {
  std::optional<store::SimCall> call = AnswerOfficePhoneCall();
  ASSERT_TRUE(call);
  const std::string phone = kOfficePhone;
  EXPECT_EQ(Get(phone).body.find("id=\"said\""), std::string::npos);
  EXPECT_NE(Get(phone + "/state").body.find("\"said\":false"), std::string::npos);

  ASSERT_TRUE(sim_->Say(call->id, "Press 1 <now>", "en").ok());
  http::Response page = Get(phone);
  EXPECT_NE(page.body.find("press the pound key"), std::string::npos);  // the opening prompt
  EXPECT_NE(page.body.find("Then the caller says:"), std::string::npos);
  EXPECT_NE(page.body.find("id=\"said\">Press 1 &lt;now&gt;</blockquote>"), std::string::npos)
      << page.body;
  EXPECT_NE(Get(phone, "fr").body.find("Puis l"), std::string::npos);
  // A phone page left open polls this, and reloads when the call says more.
  EXPECT_NE(Get(phone + "/state").body.find("\"said\":true"), std::string::npos);
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

// ---- Security questions ----

class WebQuestionsTest : public WebTest {
 protected:
  void SetUp() override {
    WebTest::SetUp();
    // Off by default, as in Entra ID: this tenant turned them on.
    ASSERT_TRUE(policy::SetAllowedMethods(store_->tenants(), tenant_id_,
                                          {"phone", "authenticator", "email", "questions"})
                    .ok());
  }

  // The form rows question_1/answer_1, ... for these (question id, answer) pairs.
  static std::map<std::string, std::string> Form(
      const std::vector<std::pair<std::string, std::string>>& rows) {
    std::map<std::string, std::string> form;
    for (size_t i = 0; i < rows.size(); ++i) {
      form["question_" + std::to_string(i + 1)] = rows[i].first;
      form["answer_" + std::to_string(i + 1)] = rows[i].second;
    }
    return form;
  }

  static std::map<std::string, std::string> GoodForm() {
    return Form({{"question_predefined_02", "Lyon"},
                 {"question_predefined_15", "Rex le chien"},
                 {"question_predefined_21", "Téléphone"}});
  }

  void SignInAs(const std::string& username, bool is_admin) {
    store::User u;
    u.tenant_id = tenant_id_;
    u.username = username;
    u.password_hash = *crypto::HashPassword("another horse");
    u.is_admin = is_admin;
    ASSERT_TRUE(store_->users().Create(u).ok());
    cookies_.clear();
    Get("/sign-in");
    ASSERT_EQ(Post("/sign-in", {{"username", username}, {"password", "another horse"}}).status,
              303);
  }

  // Ana's security-questions methods (at most one).
  std::vector<store::Method> QuestionMethods() {
    std::vector<store::Method> out;
    auto all = store_->methods().ListForUser(user_id_);  // kept: *temporary would dangle
    EXPECT_TRUE(all.ok());
    for (const store::Method& m : *all) {
      if (m.kind == methods::MethodKind::kQuestions) out.push_back(m);
    }
    return out;
  }

  // A submit that must fail with `message` and store nothing.
  http::Response ExpectRefused(const std::map<std::string, std::string>& form,
                               const std::string& message) {
    http::Response r = Post("/security-info/questions", form);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find(message), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("aria-invalid=\"true\""), std::string::npos);
    EXPECT_TRUE(QuestionMethods().empty());
    return r;
  }
};

TEST_F(WebQuestionsTest, OfferedWhenTheTenantAllowsThem) {
  SignIn();
  http::Response add = Get("/security-info/add");
  EXPECT_NE(add.body.find("<option value=\"questions\">Security questions</option>"),
            std::string::npos);
  http::Response form = Get("/security-info/questions");
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("Choose 3 questions"), std::string::npos);
  EXPECT_NE(form.body.find("name=\"question_3\""), std::string::npos);
  EXPECT_EQ(form.body.find("name=\"question_4\""), std::string::npos);
  EXPECT_NE(form.body.find("What was the name of your first pet?"), std::string::npos);
  EXPECT_NE(form.body.find("autocomplete=\"off\""), std::string::npos);
  EXPECT_NE(form.body.find("maxlength=\"100\""), std::string::npos);
  // In French too, and as many rows as the tenant asks for.
  ASSERT_TRUE(store_->questions().SetSettings(tenant_id_, {5, 3}).ok());
  form = Get("/security-info/questions", "fr");
  EXPECT_NE(form.body.find("Comment s&apos;appelait votre premier animal de compagnie ?"),
            std::string::npos)
      << form.body;
  EXPECT_NE(form.body.find("name=\"answer_5\""), std::string::npos);
}

TEST_F(WebQuestionsTest, TenantThatDisallowsThemHidesAndRefusesThem) {
  ASSERT_TRUE(policy::SetAllowedMethods(store_->tenants(), tenant_id_, {"phone"}).ok());
  SignIn();
  EXPECT_EQ(Get("/security-info/add").body.find("value=\"questions\""), std::string::npos);
  http::Response r = Get("/security-info/questions");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("Your organization doesn&apos;t allow security questions."),
            std::string::npos)
      << r.body;
  EXPECT_EQ(Post("/security-info/questions", GoodForm()).status, 403);
  EXPECT_TRUE(QuestionMethods().empty());
}

TEST_F(WebQuestionsTest, AdministratorsAreNeverOfferedThem) {
  SignInAs("root@contoso.example", /*is_admin=*/true);
  http::Response add = Get("/security-info/add");
  EXPECT_NE(add.body.find("value=\"phone\""), std::string::npos);
  EXPECT_EQ(add.body.find("value=\"questions\""), std::string::npos);
  EXPECT_EQ(Get("/security-info/add?method=questions").status, 200);  // no redirect to the form
  http::Response r = Get("/security-info/questions");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("can&apos;t be used with an administrator account"), std::string::npos)
      << r.body;
  EXPECT_EQ(Post("/security-info/questions", GoodForm()).status, 403);
  auto admin = store_->users().FindByUsername("root@contoso.example");
  EXPECT_TRUE(store_->methods().ListForUser(admin->id)->empty());
}

TEST_F(WebQuestionsTest, WrongNumberOfQuestionsIsRefused) {
  SignIn();
  http::Response r =
      Post("/security-info/questions",
           Form({{"question_predefined_02", "Lyon"}, {"question_predefined_15", "Rex"}}));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("Choose and answer 3 questions."), std::string::npos);
  // The two rows typed are kept; the third is there to fill.
  EXPECT_NE(r.body.find("value=\"Lyon\""), std::string::npos);
  EXPECT_NE(r.body.find("name=\"question_3\""), std::string::npos);
  EXPECT_TRUE(QuestionMethods().empty());
}

TEST_F(WebQuestionsTest, TooShortAnswerIsExplainedBesideItsField) {
  SignIn();
  http::Response r = ExpectRefused(Form({{"question_predefined_02", "Lyon"},
                                         {"question_predefined_15", "Re"},
                                         {"question_predefined_21", "Téléphone"}}),
                                   "Your answer must be at least 3 characters long.");
  EXPECT_NE(r.body.find("aria-describedby=\"answer-hint answer-2-error\" aria-invalid=\"true\""),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("id=\"answer-2-error\""), std::string::npos);
  EXPECT_EQ(r.body.find("id=\"answer-1-error\""), std::string::npos);
  EXPECT_NE(r.body.find("See the messages below."), std::string::npos);  // the summary
  // What was typed and picked comes back, so only the mistake needs fixing.
  EXPECT_NE(r.body.find("value=\"Téléphone\""), std::string::npos);
  EXPECT_NE(r.body.find("<option value=\"question_predefined_15\" selected>"), std::string::npos);
}

TEST_F(WebQuestionsTest, SameAnswerTwiceOnceNormalizedIsRefused) {
  SignIn();
  http::Response r = ExpectRefused(Form({{"question_predefined_02", "Paris"},
                                         {"question_predefined_15", " paris "},
                                         {"question_predefined_21", "Lyon"}}),
                                   "You&apos;ve already given this answer.");
  EXPECT_NE(r.body.find("id=\"answer-2-error\""), std::string::npos);
}

TEST_F(WebQuestionsTest, AnswerHoldingTheQuestionIsRefused) {
  SignIn();
  ExpectRefused(Form({{"question_predefined_13", "who was your childhood hero? me"},
                      {"question_predefined_15", "Rex"},
                      {"question_predefined_21", "Lyon"}}),
                "Your answer can&apos;t contain the question.");
}

TEST_F(WebQuestionsTest, UnknownOrRepeatedQuestionIsRefusedBesideItsList) {
  SignIn();
  http::Response r = ExpectRefused(Form({{"question_predefined_99", "Lyon"},
                                         {"custom:999", "Rex"},
                                         {"question_predefined_21", "Paris"}}),
                                   "Select a question from the list.");
  EXPECT_NE(r.body.find("aria-invalid=\"true\" aria-describedby=\"question-1-error\""),
            std::string::npos);
  EXPECT_NE(r.body.find("id=\"question-2-error\""), std::string::npos);
  ExpectRefused(Form({{"question_predefined_02", "Lyon"},
                      {"question_predefined_02", "Rex"},
                      {"question_predefined_21", "Paris"}}),
                "You&apos;ve already chosen this question.");
}

TEST_F(WebQuestionsTest, SavedAnswersAreArgon2idHashesNeverTheText) {
  SignIn();
  http::Response r =
      Post("/security-info/questions", Form({{"question_predefined_02", "Paris"},
                                             {"question_predefined_15", "Rex le chien"},
                                             {"question_predefined_21", "Téléphone"}}));
  ASSERT_EQ(r.status, 303) << r.body;
  EXPECT_EQ(r.GetHeader("Location"), "/security-info?notice=questions_saved");

  std::vector<store::Method> methods = QuestionMethods();
  ASSERT_EQ(methods.size(), 1u);
  auto answers = store_->questions().GetAnswers(user_id_, methods[0].id);
  ASSERT_TRUE(answers.ok());
  ASSERT_EQ(answers->size(), 3u);
  EXPECT_EQ((*answers)[0].question_id, "question_predefined_02");
  EXPECT_EQ((*answers)[2].question_id, "question_predefined_21");
  const std::string& paris = (*answers)[0].answer_hash;
  EXPECT_TRUE(paris.starts_with("$argon2id$")) << paris;
  EXPECT_EQ(paris.find("Paris"), std::string::npos);
  EXPECT_EQ(paris.find("paris"), std::string::npos);
  EXPECT_TRUE(methods::questions::VerifyAnswer(paris, "  PARIS "));
  EXPECT_FALSE(methods::questions::VerifyAnswer(paris, "Lyon"));
  EXPECT_TRUE(methods::questions::VerifyAnswer((*answers)[2].answer_hash, "téléphone"));
  EXPECT_FALSE(methods::questions::VerifyAnswer((*answers)[2].answer_hash, "telephone"));

  // Listed on Security info, for password reset only, with the notice.
  http::Response info = Get(r.GetHeader("Location"));
  EXPECT_NE(info.body.find("Your security questions have been saved."), std::string::npos);
  EXPECT_NE(info.body.find("Security questions"), std::string::npos);
  EXPECT_NE(info.body.find("3 answers saved"), std::string::npos);
  EXPECT_NE(info.body.find("Can be used for: password reset<"), std::string::npos) << info.body;
  EXPECT_NE(info.body.find("/security-info/questions?change=" + std::to_string(methods[0].id)),
            std::string::npos);
  EXPECT_EQ(info.body.find("Rex le chien"), std::string::npos);

  auto audit = store_->audit().ListForTenant(tenant_id_, 10);
  ASSERT_FALSE(audit->empty());
  EXPECT_EQ(audit->front().action, "method_register");
  EXPECT_EQ(audit->front().method, "questions");
  EXPECT_EQ(audit->front().result, "success");
  EXPECT_EQ(audit->front().detail.find("Paris"), std::string::npos);
}

TEST_F(WebQuestionsTest, ChangeReplacesTheWholeSet) {
  int64_t custom = *store_->questions().AddCustom({0, tenant_id_, "Nom du premier chef ?", 1});
  SignIn();
  ASSERT_EQ(Post("/security-info/questions", GoodForm()).status, 303);
  int64_t first = QuestionMethods().at(0).id;

  // The questions picked last time come preselected; no answer is ever shown.
  http::Response form = Get("/security-info/questions?change=" + std::to_string(first));
  ASSERT_EQ(form.status, 200);
  EXPECT_NE(form.body.find("<option value=\"question_predefined_15\" selected>"),
            std::string::npos);
  EXPECT_EQ(form.body.find("Rex le chien"), std::string::npos);
  EXPECT_NE(form.body.find("<option value=\"custom:" + std::to_string(custom) +
                           "\">Nom du premier chef ?</option>"),
            std::string::npos);

  std::string custom_id = "custom:" + std::to_string(custom);
  ASSERT_EQ(Post("/security-info/questions", Form({{custom_id, "Dupont"},
                                                   {"question_predefined_03", "Grenoble"},
                                                   {"question_predefined_05", "Martin"}}))
                .status,
            303);
  std::vector<store::Method> now = QuestionMethods();
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(store_->questions().GetAnswers(user_id_, first).status().code(),
            Status::Code::kNotFound);
  auto answers = store_->questions().GetAnswers(user_id_, now[0].id);
  ASSERT_EQ(answers->size(), 3u);
  EXPECT_EQ((*answers)[0].question_id, custom_id);
  EXPECT_TRUE(methods::questions::VerifyAnswer((*answers)[0].answer_hash, "dupont"));
  EXPECT_EQ(store_->audit().ListForTenant(tenant_id_, 1)->front().action, "method_change");

  // Another method's id, or nonsense, is not a set of questions to change.
  EXPECT_EQ(Get("/security-info/questions?change=abc").status, 404);
  EXPECT_EQ(Get("/security-info/questions?change=" + std::to_string(first)).status, 404);
}

TEST_F(WebQuestionsTest, DeleteRemovesThem) {
  SignIn();
  ASSERT_EQ(Post("/security-info/questions", GoodForm()).status, 303);
  int64_t id = QuestionMethods().at(0).id;
  EXPECT_EQ(Post("/security-info/methods/" + std::to_string(id) + "/delete", {}).status, 303);
  EXPECT_TRUE(QuestionMethods().empty());
  EXPECT_EQ(store_->questions().GetAnswers(user_id_, id).status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace secinfo::web

namespace secinfo::web {
namespace {

class MetricsPageTest : public WebTest {
 protected:
  void Build(Config::Metrics settings) {
    WebDeps deps{*store_,
                 *sessions_,
                 *phones_,
                 *codes_,
                 *apps_,
                 *push_,
                 sim_.get(),
                 &store_->sim_messages(),
                 clock_,
                 random_,
                 std::string(32, 'k')};
    deps.metrics = settings;
    app_ = BuildWebApp(deps);
  }
  http::Response Scrape(const std::string& ip, std::map<std::string, std::string> headers = {}) {
    http::Request r;
    r.method = "GET";
    r.target = r.path = "/metrics";
    r.remote_ip = ip;
    r.headers = std::move(headers);
    return app_(r);
  }
};

TEST_F(MetricsPageTest, LoopbackOnlyByDefault) {
  Build(Config::Metrics{});
  http::Response local = Scrape("127.0.0.1");
  EXPECT_EQ(local.status, 200);
  EXPECT_EQ(local.GetHeader("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(local.body.find("# TYPE secinfo_http_requests_total counter"), std::string::npos);
  EXPECT_EQ(Scrape("::1").status, 200);
  EXPECT_EQ(Scrape("192.0.2.10").status, 403);
  // Relayed by a proxy on this machine: not this machine's request.
  EXPECT_EQ(Scrape("127.0.0.1", {{"x-forwarded-for", "192.0.2.10"}}).status, 403);
}

TEST_F(MetricsPageTest, ABearerTokenOpensItToAnyAddressThatSendsIt) {
  Config::Metrics settings;
  settings.bearer_token = "s3cret-scrape";
  Build(settings);
  EXPECT_EQ(Scrape("192.0.2.10", {{"authorization", "Bearer s3cret-scrape"}}).status, 200);
  http::Response wrong = Scrape("192.0.2.10", {{"authorization", "Bearer guess"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.GetHeader("WWW-Authenticate"), "Bearer realm=\"metrics\"");
  EXPECT_EQ(Scrape("127.0.0.1").status, 401);  // the token is required from here too
}

TEST_F(MetricsPageTest, DisabledIsNotFound) {
  Config::Metrics settings;
  settings.enabled = false;
  Build(settings);
  EXPECT_EQ(Scrape("127.0.0.1").status, 404);
}

}  // namespace
}  // namespace secinfo::web
