#include "flows/oidc/provider.h"

#include <gtest/gtest.h>

#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "flows/oidc/clients.h"
#include "flows/test_store.h"

namespace secinfo::flows::oidc {
namespace {

using Params = std::map<std::string, std::string>;

constexpr char kVerifier[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk-and-some-more";
constexpr char kRedirect[] = "https://wiki.contoso.example/cb";

std::string Challenge(const std::string& verifier) {
  return crypto::Base64UrlEncode(crypto::Sha256(verifier));
}

// The value of `name` in a URL's query.
std::string QueryValue(const std::string& url, const std::string& name) {
  size_t at = url.find("?" + name + "=");
  if (at == std::string::npos) at = url.find("&" + name + "=");
  if (at == std::string::npos) return "";
  at += name.size() + 2;
  return url.substr(at, url.find('&', at) - at);
}

nlohmann::json Payload(const std::string& jwt) {
  size_t a = jwt.find('.'), b = jwt.rfind('.');
  return nlohmann::json::parse(*crypto::Base64UrlDecode(jwt.substr(a + 1, b - a - 1)));
}

class ProviderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("oidc");
    ana_ = testing_support::AddContosoAndAna(*store_);
    keys_ = std::make_unique<SigningKeys>(*store_, clock_, random_,
                                          crypto::SecretBox(std::string(32, 'k')), 3'600'000);
    ASSERT_TRUE(keys_->Ensure().ok());
    ProviderOptions o;
    o.issuer = "https://id.contoso.example";
    provider_ =
        std::make_unique<Provider>(*store_, *keys_, clock_, random_, std::string(32, 's'), o);
    NewClient c;
    c.name = "Wiki";
    c.redirect_uris = {kRedirect};
    c.post_logout_redirect_uris = {"https://wiki.contoso.example/bye"};
    auto reg = AddClient(*store_, random_, clock_, ana_.tenant_id, c);
    ASSERT_TRUE(reg.ok()) << reg.status().ToString();
    client_ = reg->client;
    secret_ = reg->secret;
  }

  Principal SignedIn(const std::string& amr = "pwd") {
    Principal p;
    p.user = ana_;
    p.session_token = "token";
    p.session.id_hash = "hash";
    p.session.user_id = ana_.id;
    p.session.tenant_id = ana_.tenant_id;
    p.session.created_at = clock_.NowMillis();
    p.session.amr = amr;
    return p;
  }

  Params Request(Params extra = {}) {
    Params p = {{"client_id", client_.id},
                {"redirect_uri", kRedirect},
                {"response_type", "code"},
                {"scope", "openid profile email"},
                {"state", "st-1"},
                {"nonce", "n-1"},
                {"code_challenge", Challenge(kVerifier)},
                {"code_challenge_method", "S256"}};
    for (auto& [k, v] : extra) p[k] = v;
    return p;
  }

  std::string Code(const Principal& p, Params extra = {}) {
    ParsedAuthorization parsed = provider_->ParseAuthorization(Request(extra));
    EXPECT_EQ(parsed.page_error, "");
    EXPECT_EQ(parsed.error, "");
    auto url = provider_->IssueCode(parsed.request, p);
    EXPECT_TRUE(url.ok());
    EXPECT_EQ(QueryValue(*url, "state"), "st-1");
    EXPECT_EQ(QueryValue(*url, "iss"), "https%3A%2F%2Fid.contoso.example");
    return QueryValue(*url, "code");
  }

  ClientCredentials Basic() { return {client_.id, secret_, true, false}; }

  EndpointResult Exchange(const std::string& code, const std::string& verifier = kVerifier) {
    return provider_->Token(Basic(), {{"grant_type", "authorization_code"},
                                      {"code", code},
                                      {"redirect_uri", kRedirect},
                                      {"code_verifier", verifier}});
  }

  FakeClock clock_;
  SystemRandom random_;
  std::unique_ptr<store::Store> store_;
  store::User ana_;
  std::unique_ptr<SigningKeys> keys_;
  std::unique_ptr<Provider> provider_;
  store::OidcClient client_;
  std::string secret_;
};

TEST_F(ProviderTest, DiscoveryListsWhatClientsNeed) {
  nlohmann::json d = provider_->Discovery();
  EXPECT_EQ(d["issuer"], "https://id.contoso.example");
  EXPECT_EQ(d["token_endpoint"], "https://id.contoso.example/oidc/token");
  EXPECT_EQ(d["code_challenge_methods_supported"], nlohmann::json({"S256"}));
  EXPECT_EQ(d["id_token_signing_alg_values_supported"], nlohmann::json({"RS256", "ES256"}));
  EXPECT_EQ(d["acr_values_supported"], nlohmann::json({kAcrPassword, kAcrTwoStep}));
  EXPECT_TRUE(d["authorization_response_iss_parameter_supported"].get<bool>());
}

TEST_F(ProviderTest, RequestsThatCannotBeAnsweredToTheClientAreNeverRedirected) {
  EXPECT_EQ(provider_->ParseAuthorization(Request({{"client_id", "nobody"}})).page_error,
            "oidc_unknown_client");
  EXPECT_EQ(provider_->ParseAuthorization(Request({{"redirect_uri", "https://evil.example/cb"}}))
                .page_error,
            "oidc_bad_redirect_uri");
  // Exact match: a trailing slash or an extra query is another URI.
  EXPECT_EQ(provider_->ParseAuthorization(Request({{"redirect_uri", std::string(kRedirect) + "/"}}))
                .page_error,
            "oidc_bad_redirect_uri");
  Params no_type = Request();
  no_type.erase("response_type");
  EXPECT_EQ(provider_->ParseAuthorization(no_type).page_error, "oidc_missing_response_type");
}

TEST_F(ProviderTest, OtherBadRequestsAreAnsweredToTheClientWithStateAndIss) {
  ParsedAuthorization p = provider_->ParseAuthorization(Request({{"response_type", "token"}}));
  EXPECT_EQ(p.error, "unsupported_response_type");
  const std::string url = provider_->ErrorRedirect(p.request, p.error);
  EXPECT_EQ(QueryValue(url, "state"), "st-1");
  EXPECT_EQ(QueryValue(url, "iss"), "https%3A%2F%2Fid.contoso.example");
  EXPECT_EQ(provider_->ParseAuthorization(Request({{"scope", "profile"}})).error, "invalid_scope");
  EXPECT_EQ(provider_->ParseAuthorization(Request({{"code_challenge_method", "plain"}})).error,
            "invalid_request");
  EXPECT_EQ(provider_->ParseAuthorization(Request({{"prompt", "none login"}})).error,
            "invalid_request");
  EXPECT_EQ(provider_->ParseAuthorization(Request({{"max_age", "soon"}})).error, "invalid_request");
}

TEST_F(ProviderTest, UnknownParametersAndScopesAreIgnored) {
  ParsedAuthorization p =
      provider_->ParseAuthorization(Request({{"scope", "email openid weird profile email"},
                                             {"display", "popup"},
                                             {"claims_locales", "fr"},
                                             {"extra", "1"}}));
  EXPECT_EQ(p.error, "");
  EXPECT_EQ(p.request.scope, "email openid profile");
}

TEST_F(ProviderTest, PromptNoneAnswersWithoutAPage) {
  ParsedAuthorization p = provider_->ParseAuthorization(Request({{"prompt", "none"}}));
  EXPECT_EQ(provider_->Decide(p.request, nullptr, nullptr).error, "login_required");
  Principal ana = SignedIn();
  EXPECT_EQ(provider_->Decide(p.request, &ana, nullptr).step, AuthorizeStep::kIssue);
  SecondStepState verify;
  verify.need = SecondStepNeed::kVerify;
  EXPECT_EQ(provider_->Decide(p.request, &ana, &verify).error, "interaction_required");
}

TEST_F(ProviderTest, MaxAgeAndPromptLoginAskForThePasswordAgainOnce) {
  Principal ana = SignedIn();
  clock_.AdvanceSeconds(5);
  ParsedAuthorization p = provider_->ParseAuthorization(Request({{"max_age", "1"}}));
  EXPECT_EQ(provider_->Decide(p.request, &ana, nullptr).step, AuthorizeStep::kReauthenticate);
  // Back from signing in again: the new session is after the mark.
  const std::string mark = std::to_string(clock_.NowMillis());
  Principal again = SignedIn();
  clock_.AdvanceSeconds(3);
  p = provider_->ParseAuthorization(Request({{"max_age", "1"}, {kAuthAfterParam, mark}}));
  EXPECT_EQ(provider_->Decide(p.request, &again, nullptr).step, AuthorizeStep::kIssue);
  p = provider_->ParseAuthorization(Request({{"prompt", "login"}}));
  EXPECT_EQ(provider_->Decide(p.request, &again, nullptr).step, AuthorizeStep::kReauthenticate);
}

TEST_F(ProviderTest, AcrTwoStepAsksForASecondFactorWhenThePolicyWouldNot) {
  ParsedAuthorization p = provider_->ParseAuthorization(Request({{"acr_values", kAcrTwoStep}}));
  SecondStepState none;
  none.has_sign_in_method = true;
  Principal pwd = SignedIn("pwd");
  EXPECT_EQ(provider_->Decide(p.request, &pwd, &none).step, AuthorizeStep::kSecondStep);
  Principal otp = SignedIn("pwd otp");
  EXPECT_EQ(provider_->Decide(p.request, &otp, &none).step, AuthorizeStep::kIssue);
}

TEST_F(ProviderTest, ThirdPartyClientsAskForConsentOnce) {
  store::OidcClient third = client_;
  third.third_party = true;
  AuthorizationRequest r = provider_->ParseAuthorization(Request()).request;
  r.client = third;
  Principal ana = SignedIn();
  EXPECT_EQ(provider_->Decide(r, &ana, nullptr).step, AuthorizeStep::kConsent);
  r.prompt_none = true;
  EXPECT_EQ(provider_->Decide(r, &ana, nullptr).error, "consent_required");
  ASSERT_TRUE(provider_->Consent(r, ana).ok());
  EXPECT_EQ(provider_->Decide(r, &ana, nullptr).step, AuthorizeStep::kIssue);
}

TEST_F(ProviderTest, CodeExchangeGivesASignedIdTokenWithAssurance) {
  Principal ana = SignedIn("pwd otp");
  EndpointResult r = Exchange(Code(ana));
  ASSERT_EQ(r.error, "") << r.error_description;
  const std::string id_token = r.body["id_token"];
  nlohmann::json claims = Payload(id_token);
  EXPECT_EQ(claims["iss"], "https://id.contoso.example");
  EXPECT_EQ(claims["aud"], client_.id);
  EXPECT_EQ(claims["nonce"], "n-1");
  EXPECT_EQ(claims["amr"], nlohmann::json({"pwd", "otp", "mfa"}));
  EXPECT_EQ(claims["acr"], kAcrTwoStep);
  EXPECT_EQ(claims["email"], "ana@contoso.example");
  EXPECT_EQ(claims["auth_time"], ana.session.created_at / 1000);
  // Verifies with the published key named in its header (RS256 by default).
  auto header =
      nlohmann::json::parse(*crypto::Base64UrlDecode(id_token.substr(0, id_token.find('.'))));
  EXPECT_EQ(header["alg"], "RS256");
  auto key = keys_->Find(header["kid"].get<std::string>());
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(crypto::VerifyJws(key->first, key->second, id_token).has_value());
  // The access token reads userinfo; sub is the ID token's.
  EndpointResult info = provider_->UserInfo(r.body["access_token"].get<std::string>());
  ASSERT_EQ(info.error, "");
  EXPECT_EQ(info.body["sub"], claims["sub"]);
}

TEST_F(ProviderTest, PasswordAloneIsPwdWithoutMfa) {
  Principal ana = SignedIn("pwd");
  EndpointResult r = Exchange(Code(ana));
  ASSERT_EQ(r.error, "");
  nlohmann::json claims = Payload(r.body["id_token"]);
  EXPECT_EQ(claims["amr"], nlohmann::json({"pwd"}));
  EXPECT_EQ(claims["acr"], kAcrPassword);
  EXPECT_EQ(AmrWithMfa("pwd tel"), (std::vector<std::string>{"pwd", "tel", "mfa"}));
}

TEST_F(ProviderTest, ASecondUseOfACodeFailsAndRevokesItsTokens) {
  const std::string code = Code(SignedIn());
  EndpointResult first = Exchange(code);
  ASSERT_EQ(first.error, "");
  EXPECT_EQ(Exchange(code).error, "invalid_grant");
  EXPECT_EQ(provider_->UserInfo(first.body["access_token"].get<std::string>()).error,
            "invalid_token");
}

TEST_F(ProviderTest, CodesLiveSixtySecondsAndNeedTheirVerifierAndRedirect) {
  std::string code = Code(SignedIn());
  clock_.AdvanceSeconds(61);
  EXPECT_EQ(Exchange(code).error, "invalid_grant");
  code = Code(SignedIn());
  EXPECT_EQ(Exchange(code, std::string(kVerifier) + "x").error, "invalid_grant");
  code = Code(SignedIn());
  EXPECT_EQ(provider_
                ->Token(Basic(), {{"grant_type", "authorization_code"},
                                  {"code", code},
                                  {"redirect_uri", "https://wiki.contoso.example/other"},
                                  {"code_verifier", kVerifier}})
                .error,
            "invalid_grant");
}

TEST_F(ProviderTest, ClientsAuthenticateByBasicOrPostButNotBoth) {
  EndpointResult wrong = provider_->Token({client_.id, "wrong", true, false},
                                          {{"grant_type", "authorization_code"}, {"code", "x"}});
  EXPECT_EQ(wrong.error, "invalid_client");
  EndpointResult both = provider_->Token({client_.id, secret_, true, true}, {});
  EXPECT_EQ(both.error, "invalid_request");
  EndpointResult post =
      provider_->Token({client_.id, secret_, false, false}, {{"grant_type", "authorization_code"},
                                                             {"code", Code(SignedIn())},
                                                             {"redirect_uri", kRedirect},
                                                             {"code_verifier", kVerifier}});
  EXPECT_EQ(post.error, "");
}

TEST_F(ProviderTest, RefreshRotatesAndAReplayRevokesTheSignIn) {
  EndpointResult first = Exchange(Code(SignedIn("pwd sms")));
  ASSERT_EQ(first.error, "");
  const std::string rt1 = first.body["refresh_token"];
  EndpointResult second =
      provider_->Token(Basic(), {{"grant_type", "refresh_token"}, {"refresh_token", rt1}});
  ASSERT_EQ(second.error, "");
  EXPECT_NE(second.body["refresh_token"], rt1);
  EXPECT_EQ(Payload(second.body["id_token"])["amr"], nlohmann::json({"pwd", "sms", "mfa"}));
  EXPECT_FALSE(Payload(second.body["id_token"]).contains("nonce"));
  EXPECT_EQ(
      provider_->Token(Basic(), {{"grant_type", "refresh_token"}, {"refresh_token", rt1}}).error,
      "invalid_grant");
  EXPECT_EQ(provider_->UserInfo(second.body["access_token"].get<std::string>()).error,
            "invalid_token");
  EXPECT_EQ(provider_
                ->Token(Basic(), {{"grant_type", "refresh_token"},
                                  {"refresh_token", second.body["refresh_token"]}})
                .error,
            "invalid_grant");
}

TEST_F(ProviderTest, RevocationEndsAnAccessTokenAndARefreshTokensSignIn) {
  EndpointResult r = Exchange(Code(SignedIn()));
  const std::string at = r.body["access_token"];
  EXPECT_EQ(provider_->Revoke(Basic(), {{"token", "unknown"}}).error, "");
  EXPECT_EQ(provider_->Revoke(Basic(), {{"token", at}}).error, "");
  EXPECT_EQ(provider_->UserInfo(at).error, "invalid_token");
  EXPECT_EQ(provider_->Revoke(Basic(), {{"token", r.body["refresh_token"]}}).error, "");
  EXPECT_EQ(provider_
                ->Token(Basic(), {{"grant_type", "refresh_token"},
                                  {"refresh_token", r.body["refresh_token"]}})
                .error,
            "invalid_grant");
}

TEST_F(ProviderTest, LogoutRedirectsOnlyWithAValidHintToARegisteredUri) {
  EndpointResult r = Exchange(Code(SignedIn()));
  const std::string hint = r.body["id_token"];
  auto ok =
      provider_->CheckLogout({{"id_token_hint", hint},
                              {"post_logout_redirect_uri", "https://wiki.contoso.example/bye"},
                              {"state", "s 2"}});
  EXPECT_TRUE(ok.hint_valid);
  EXPECT_EQ(ok.redirect, "https://wiki.contoso.example/bye?state=s%202");
  EXPECT_EQ(provider_
                ->CheckLogout({{"id_token_hint", hint},
                               {"post_logout_redirect_uri", "https://evil.example/"}})
                .redirect,
            "");
  std::string forged = hint;
  forged[forged.size() - 3] = forged[forged.size() - 3] == 'A' ? 'B' : 'A';
  auto bad =
      provider_->CheckLogout({{"id_token_hint", forged},
                              {"post_logout_redirect_uri", "https://wiki.contoso.example/bye"}});
  EXPECT_FALSE(bad.hint_valid);
  EXPECT_EQ(bad.redirect, "");
}

TEST_F(ProviderTest, RotationKeepsTheOldKeyPublishedUntilItsTokensExpire) {
  auto before = nlohmann::json::parse(*keys_->Jwks());
  ASSERT_EQ(before["keys"].size(), 2u);
  ASSERT_TRUE(keys_->Rotate().ok());
  auto after = nlohmann::json::parse(*keys_->Jwks());
  EXPECT_EQ(after["keys"].size(), 4u);
  clock_.AdvanceSeconds(3601);
  EXPECT_EQ(nlohmann::json::parse(*keys_->Jwks())["keys"].size(), 2u);
}

}  // namespace
}  // namespace secinfo::flows::oidc
