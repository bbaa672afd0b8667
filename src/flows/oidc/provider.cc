#include "flows/oidc/provider.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>

#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/jws.h"
#include "flows/audit.h"
#include "flows/oidc/clients.h"

namespace secinfo::flows::oidc {
namespace {

using Params = std::map<std::string, std::string>;

std::string Get(const Params& p, const std::string& name) {
  auto it = p.find(name);
  return it == p.end() ? "" : it->second;
}

bool Has(const Params& p, const std::string& name) { return p.find(name) != p.end(); }

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool Contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// RFC 3986 unreserved characters stay; everything else is percent-encoded.
std::string Encode(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

std::string WithQuery(const std::string& uri,
                      const std::vector<std::pair<std::string, std::string>>& q) {
  std::string out = uri;
  char sep = uri.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : q) {
    out += sep + k + "=" + Encode(v);
    sep = '&';
  }
  return out;
}

std::optional<int64_t> ParseNonNegative(const std::string& s) {
  int64_t v = 0;
  if (s.empty() || s.size() > 15) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// RFC 7636 §4.1: 43-128 characters of [A-Z a-z 0-9 - . _ ~].
bool IsPkceValue(std::string_view v) {
  if (v.size() < 43 || v.size() > 128) return false;
  return std::all_of(v.begin(), v.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
  });
}

bool IsPossession(std::string_view amr) {
  return amr == "tel" || amr == "sms" || amr == "otp" || amr == "swk" || amr == "hwk";
}

bool HasSecondFactor(std::string_view session_amr) {
  for (const auto& v : Words(session_amr)) {
    if (IsPossession(v)) return true;
  }
  return false;
}

int64_t Seconds(int64_t millis) { return millis / 1000; }

}  // namespace

std::vector<std::string> AmrWithMfa(std::string_view session_amr) {
  std::vector<std::string> out = Words(session_amr.empty() ? "pwd" : session_amr);
  bool knows = false, has = false;
  for (const auto& v : out) {
    knows = knows || v == "pwd" || v == "kba";
    has = has || IsPossession(v);
  }
  if (knows && has) out.push_back("mfa");
  return out;
}

nlohmann::json Provider::Discovery() const {
  const std::string& iss = options_.issuer;
  return {
      {"issuer", iss},
      {"authorization_endpoint", iss + "/oidc/authorize"},
      {"token_endpoint", iss + "/oidc/token"},
      {"userinfo_endpoint", iss + "/oidc/userinfo"},
      {"jwks_uri", iss + "/oidc/jwks"},
      {"end_session_endpoint", iss + "/oidc/logout"},
      {"revocation_endpoint", iss + "/oidc/revoke"},
      {"response_types_supported", {"code"}},
      {"response_modes_supported", {"query"}},
      {"grant_types_supported", {"authorization_code", "refresh_token"}},
      {"subject_types_supported", {"public"}},
      {"id_token_signing_alg_values_supported", {"RS256", "ES256"}},
      {"code_challenge_methods_supported", {"S256"}},
      {"token_endpoint_auth_methods_supported",
       {"client_secret_basic", "client_secret_post", "none"}},
      {"revocation_endpoint_auth_methods_supported",
       {"client_secret_basic", "client_secret_post", "none"}},
      {"scopes_supported", SupportedScopes()},
      {"claims_supported",
       {"sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "acr", "azp", "at_hash",
        "name", "email", "locale"}},
      {"acr_values_supported", {kAcrPassword, kAcrTwoStep}},
      {"prompt_values_supported", {"none", "login", "consent"}},
      {"display_values_supported", {"page"}},
      {"ui_locales_supported", {"en", "fr"}},
      {"claims_parameter_supported", false},
      {"request_parameter_supported", false},
      {"request_uri_parameter_supported", false},
      {"authorization_response_iss_parameter_supported", true},
  };
}

ParsedAuthorization Provider::ParseAuthorization(const Params& p) {
  ParsedAuthorization out;
  AuthorizationRequest& r = out.request;
  // RFC 6749 §4.1.2.1: without a known client and its exact redirect URI nothing is redirected
  // (an open redirector otherwise).
  auto client = store_.oidc().GetClient(Get(p, "client_id"));
  if (Get(p, "client_id").empty() || !client.ok()) {
    out.page_error = "oidc_unknown_client";
    return out;
  }
  r.client = *client;
  r.redirect_uri = Get(p, "redirect_uri");
  if (!Contains(r.client.redirect_uris, r.redirect_uri)) {
    out.page_error = "oidc_bad_redirect_uri";
    return out;
  }
  if (Get(p, "response_type").empty()) {
    out.page_error = "oidc_missing_response_type";
    return out;
  }
  r.state = Get(p, "state");
  auto fail = [&](const char* error, std::string description) {
    out.error = error;
    out.error_description = std::move(description);
    return out;
  };
  if (Get(p, "response_type") != "code") {
    return fail("unsupported_response_type", "only the code flow is offered");
  }
  if (Has(p, "request")) return fail("request_not_supported", "request objects are not supported");
  if (Has(p, "request_uri")) {
    return fail("request_uri_not_supported", "request_uri is not supported");
  }
  const std::vector<std::string> asked = Words(Get(p, "scope"));
  if (!Contains(asked, "openid")) return fail("invalid_scope", "the openid scope is required");
  // Unknown scopes, and scopes the client may not have, are left out of the grant (OpenID
  // Connect Core §3.1.2.1: unknown values are ignored).
  std::string scope;
  for (const std::string& s : asked) {
    if (Contains(r.client.scopes, s) && Contains(SupportedScopes(), s) &&
        (" " + scope + " ").find(" " + s + " ") == std::string::npos) {
      scope += (scope.empty() ? "" : " ") + s;
    }
  }
  r.scope = scope;
  r.nonce = Get(p, "nonce");
  r.code_challenge = Get(p, "code_challenge");
  const std::string method = Get(p, "code_challenge_method");
  if (!r.code_challenge.empty() && method != "S256") {
    return fail("invalid_request", "code_challenge_method must be S256");
  }
  if (!r.code_challenge.empty() && !IsPkceValue(r.code_challenge)) {
    return fail("invalid_request", "malformed code_challenge");
  }
  if (r.code_challenge.empty() && r.client.is_public) {
    return fail("invalid_request", "a public client must use PKCE (S256)");
  }
  const std::vector<std::string> prompt = Words(Get(p, "prompt"));
  r.prompt_none = Contains(prompt, "none");
  r.prompt_login = Contains(prompt, "login");
  r.prompt_consent = Contains(prompt, "consent");
  if (r.prompt_none && prompt.size() > 1) {
    return fail("invalid_request", "prompt=none cannot be combined with other values");
  }
  if (Has(p, "max_age")) {
    r.max_age_seconds = ParseNonNegative(Get(p, "max_age"));
    if (!r.max_age_seconds) return fail("invalid_request", "max_age must be a number of seconds");
  }
  if (Has(p, kAuthAfterParam)) r.auth_after = ParseNonNegative(Get(p, kAuthAfterParam));
  r.wants_two_step = Contains(Words(Get(p, "acr_values")), kAcrTwoStep);
  r.login_hint = Get(p, "login_hint");
  r.ui_locales = Get(p, "ui_locales");
  // display and claims_locales are accepted: pages have one display and claims one language.
  return out;
}

AuthorizeDecision Provider::Decide(const AuthorizationRequest& r, const Principal* p,
                                   const SecondStepState* second_step) const {
  auto interact = [&](AuthorizeStep step, const char* error) {
    return r.prompt_none ? AuthorizeDecision{AuthorizeStep::kError, error}
                         : AuthorizeDecision{step, ""};
  };
  if (p == nullptr) return interact(AuthorizeStep::kSignIn, "login_required");
  const int64_t now = clock_.NowMillis();
  const bool fresh = r.auth_after && p->session.created_at >= *r.auth_after;
  const bool too_old = r.max_age_seconds && now - p->session.created_at > *r.max_age_seconds * 1000;
  if ((r.prompt_login || too_old) && !fresh) {
    return interact(AuthorizeStep::kReauthenticate, "login_required");
  }
  if (p->user.tenant_id != r.client.tenant_id) {
    // Another organization's application: this person cannot sign in to it.
    return AuthorizeDecision{AuthorizeStep::kError, "access_denied"};
  }
  if (second_step != nullptr) {
    if (second_step->need == SecondStepNeed::kVerify) {
      return interact(AuthorizeStep::kSecondStep, "interaction_required");
    }
    if (second_step->need == SecondStepNeed::kRegister) {
      return interact(AuthorizeStep::kRegister, "interaction_required");
    }
  }
  // acr_values asks for two steps where the tenant's rules would not. Someone with no method to
  // prove gets the password's acr, which the client sees (acr_values is a wish, not a rule).
  const bool can_prove = second_step == nullptr || second_step->has_sign_in_method;
  if (r.wants_two_step && !HasSecondFactor(p->session.amr) && can_prove) {
    return interact(AuthorizeStep::kSecondStep, "interaction_required");
  }
  if (r.client.third_party) {
    auto consented = store_.oidc().GetConsent(p->user.id, r.client.id);
    const std::vector<std::string> have =
        consented.ok() ? Words(*consented) : std::vector<std::string>{};
    bool covered = true;
    for (const auto& s : Words(r.scope)) covered = covered && Contains(have, s);
    if (!covered || r.prompt_consent) return interact(AuthorizeStep::kConsent, "consent_required");
  }
  return AuthorizeDecision{AuthorizeStep::kIssue, ""};
}

Status Provider::Consent(const AuthorizationRequest& r, const Principal& p) {
  RecordAudit(store_, clock_,
              {p.user.tenant_id, p.user.id, p.session.client_ip, "oidc_consent", "", "success",
               r.client.name + ": " + r.scope});
  return store_.oidc().SetConsent(p.user.id, r.client.id, r.scope, clock_.NowMillis());
}

std::string Provider::ErrorRedirect(const AuthorizationRequest& r, std::string_view error,
                                    std::string_view description) const {
  std::vector<std::pair<std::string, std::string>> q = {{"error", std::string(error)}};
  if (!description.empty()) q.emplace_back("error_description", std::string(description));
  if (!r.state.empty()) q.emplace_back("state", r.state);
  q.emplace_back("iss", options_.issuer);  // RFC 9207
  return WithQuery(r.redirect_uri, q);
}

Result<std::string> Provider::IssueCode(const AuthorizationRequest& r, const Principal& p) {
  const int64_t now = clock_.NowMillis();
  const std::string code = random_.Token(32);
  store::OidcCode c;
  c.code_hash = SecretHash(code);
  c.grant.grant_id = random_.Token(16);
  c.grant.client_id = r.client.id;
  c.grant.tenant_id = p.user.tenant_id;
  c.grant.user_id = p.user.id;
  c.grant.scope = r.scope;
  c.grant.nonce = r.nonce;
  c.grant.session_hash = p.session.id_hash;
  c.grant.auth_time = p.session.created_at;
  c.grant.amr = p.session.amr.empty() ? "pwd" : p.session.amr;
  c.grant.acr = HasSecondFactor(c.grant.amr) ? kAcrTwoStep : kAcrPassword;
  c.redirect_uri = r.redirect_uri;
  c.code_challenge = r.code_challenge;
  c.created_at = now;
  c.expires_at = now + options_.code_millis;
  SECINFO_RETURN_IF_ERROR(store_.oidc().CreateCode(c));
  RecordAudit(store_, clock_,
              {p.user.tenant_id, p.user.id, p.session.client_ip, "oidc_authorize", "", "success",
               r.client.name + ": " + c.grant.scope + " (" + c.grant.amr + ")"});
  std::vector<std::pair<std::string, std::string>> q = {{"code", code}};
  if (!r.state.empty()) q.emplace_back("state", r.state);
  q.emplace_back("iss", options_.issuer);
  return WithQuery(r.redirect_uri, q);
}

std::string Provider::Subject(const store::User& user) const {
  const std::string input = std::to_string(user.tenant_id) + ":" + std::to_string(user.id);
  return crypto::Base64UrlEncode(crypto::HmacSha256(sub_key_, input).substr(0, 24));
}

nlohmann::json Provider::Claims(const store::User& user, std::string_view scope) {
  nlohmann::json claims = {{"sub", Subject(user)}};
  const std::vector<std::string> scopes = Words(scope);
  if (Contains(scopes, "profile")) {
    claims["name"] = user.display_name.empty() ? user.username : user.display_name;
    std::string locale = user.locale;
    if (locale.empty()) {
      auto tenant = store_.tenants().Get(user.tenant_id);
      if (tenant.ok()) locale = tenant->default_locale;
    }
    if (!locale.empty()) claims["locale"] = locale;
  }
  if (Contains(scopes, "email")) claims["email"] = user.username;
  return claims;
}

Result<std::string> Provider::IdToken(const store::OidcClient& client,
                                      const store::OidcGrant& grant, const store::User& user,
                                      std::string_view access_token) {
  const crypto::JwsAlgorithm alg =
      crypto::ParseJwsAlgorithm(client.id_token_alg).value_or(crypto::JwsAlgorithm::kRs256);
  auto signer = keys_.Current(alg);
  if (!signer.ok()) return signer.status();
  const int64_t now = clock_.NowMillis();
  nlohmann::json t = Claims(user, grant.scope);
  t["iss"] = options_.issuer;
  t["aud"] = client.id;
  t["azp"] = client.id;
  t["iat"] = Seconds(now);
  t["exp"] = Seconds(now + options_.id_token_millis);
  t["auth_time"] = Seconds(grant.auth_time);
  t["amr"] = AmrWithMfa(grant.amr);
  t["acr"] = grant.acr;
  if (!grant.nonce.empty()) t["nonce"] = grant.nonce;
  // OpenID Connect Core §3.3.2.11: the left half of the access token's SHA-256.
  t["at_hash"] = crypto::Base64UrlEncode(crypto::Sha256(access_token).substr(0, 16));
  return crypto::SignJws(alg, signer->private_key_pem, signer->kid, t.dump());
}

Result<store::OidcClient> Provider::AuthenticateClient(const ClientCredentials& creds,
                                                       std::string* error) {
  *error = "invalid_client";
  if (creds.conflicting) {
    *error = "invalid_request";
    return Status::InvalidArgument("more than one client authentication method");
  }
  auto client = store_.oidc().GetClient(creds.client_id);
  if (creds.client_id.empty() || !client.ok()) return Status::PermissionDenied("unknown client");
  if (client->is_public) {
    if (!creds.client_secret.empty()) return Status::PermissionDenied("public client with secret");
    return client;
  }
  // A 256-bit random secret compared through its digest, in constant time (ASVS V2.9.x).
  if (creds.client_secret.empty() ||
      !crypto::ConstantTimeEquals(SecretHash(creds.client_secret), client->secret_hash)) {
    return Status::PermissionDenied("wrong client secret");
  }
  return client;
}

EndpointResult Provider::Issue(const store::OidcClient& client, const store::OidcGrant& grant,
                               std::string_view previous_refresh) {
  EndpointResult out;
  auto user = store_.users().Get(grant.user_id);
  if (!user.ok()) return {"invalid_grant", "the person no longer exists", {}};
  const int64_t now = clock_.NowMillis();
  const std::string access = random_.Token(32);
  const std::string refresh = random_.Token(32);
  store::OidcToken at{
      SecretHash(access), "access", grant, now, now + options_.access_token_millis, 0, false};
  store::OidcToken rt{
      SecretHash(refresh), "refresh", grant, now, now + options_.refresh_token_millis, 0, false};
  auto id_token = IdToken(client, grant, *user, access);
  if (!id_token.ok()) return {"server_error", "cannot sign the ID token", {}};
  Status s = previous_refresh.empty()
                 ? store_.oidc().CreateTokens({at, rt})
                 : store_.oidc().RotateRefresh(SecretHash(previous_refresh), now, {at, rt});
  if (s.code() == Status::Code::kFailedPrecondition) {
    RecordAudit(store_, clock_,
                {grant.tenant_id, grant.user_id, "", "oidc_token", "", "refresh_reused",
                 client.name + ": every token of this sign-in revoked"});
    return {"invalid_grant", "refresh token already used: this sign-in's tokens are revoked", {}};
  }
  if (s.code() == Status::Code::kNotFound) return {"invalid_grant", "refresh token not valid", {}};
  if (!s.ok()) return {"server_error", "", {}};
  out.body = {{"access_token", access},
              {"token_type", "Bearer"},
              {"expires_in", options_.access_token_millis / 1000},
              {"refresh_token", refresh},
              {"id_token", *id_token},
              {"scope", grant.scope}};
  return out;
}

EndpointResult Provider::Token(const ClientCredentials& creds, const Params& form) {
  std::string auth_error;
  auto client = AuthenticateClient(creds, &auth_error);
  if (!client.ok()) return {auth_error, "client authentication failed", {}};
  const int64_t now = clock_.NowMillis();
  const std::string grant_type = Get(form, "grant_type");
  if (grant_type == "refresh_token") {
    const std::string refresh = Get(form, "refresh_token");
    auto token = store_.oidc().GetToken(SecretHash(refresh));
    if (refresh.empty() || !token.ok() || token->kind != "refresh" ||
        token->grant.client_id != client->id) {
      return {"invalid_grant", "refresh token not valid", {}};
    }
    store::OidcGrant grant = token->grant;
    // A narrower scope may be asked for (RFC 6749 §6), never a wider one.
    if (Has(form, "scope")) {
      const std::vector<std::string> granted = Words(grant.scope);
      std::string narrowed;
      for (const auto& s : Words(Get(form, "scope"))) {
        if (!Contains(granted, s)) return {"invalid_scope", "wider than granted", {}};
        narrowed += (narrowed.empty() ? "" : " ") + s;
      }
      grant.scope = narrowed;
    }
    // The new tokens are not a new sign-in: the nonce was for the first ID token only.
    grant.nonce.clear();
    return Issue(*client, grant, refresh);
  }
  if (grant_type != "authorization_code") {
    return {"unsupported_grant_type", "authorization_code or refresh_token", {}};
  }
  const std::string code = Get(form, "code");
  if (code.empty()) return {"invalid_request", "code is missing", {}};
  auto used = store_.oidc().UseCode(SecretHash(code), now);
  if (used.status().code() == Status::Code::kFailedPrecondition) {
    RecordAudit(store_, clock_,
                {client->tenant_id, 0, "", "oidc_token", "", "code_reused",
                 client->name + ": tokens issued from this code revoked", "client:" + client->id});
    return {"invalid_grant", "code already used: what it issued is revoked", {}};
  }
  if (!used.ok()) return {"invalid_grant", "unknown code", {}};
  if (used->grant.client_id != client->id) return {"invalid_grant", "code of another client", {}};
  if (now >= used->expires_at) return {"invalid_grant", "code expired", {}};
  if (Get(form, "redirect_uri") != used->redirect_uri) {
    return {"invalid_grant", "redirect_uri differs from the authorization request's", {}};
  }
  const std::string verifier = Get(form, "code_verifier");
  if (!used->code_challenge.empty()) {
    const std::string expected = crypto::Base64UrlEncode(crypto::Sha256(verifier));
    if (!IsPkceValue(verifier) || !crypto::ConstantTimeEquals(expected, used->code_challenge)) {
      return {"invalid_grant", "code_verifier does not match", {}};
    }
  } else if (!verifier.empty()) {
    return {"invalid_grant", "no code_challenge was sent", {}};
  }
  return Issue(*client, used->grant, "");
}

EndpointResult Provider::UserInfo(std::string_view access_token) {
  auto token = store_.oidc().GetToken(SecretHash(access_token));
  if (access_token.empty() || !token.ok() || token->kind != "access" || token->revoked ||
      clock_.NowMillis() >= token->expires_at) {
    return {"invalid_token", "the access token is not valid", {}};
  }
  auto user = store_.users().Get(token->grant.user_id);
  if (!user.ok()) return {"invalid_token", "the person no longer exists", {}};
  return {"", "", Claims(*user, token->grant.scope)};
}

EndpointResult Provider::Revoke(const ClientCredentials& creds, const Params& form) {
  std::string auth_error;
  auto client = AuthenticateClient(creds, &auth_error);
  if (!client.ok()) return {auth_error, "client authentication failed", {}};
  const std::string value = Get(form, "token");
  if (value.empty()) return {"invalid_request", "token is missing", {}};
  auto token = store_.oidc().GetToken(SecretHash(value));
  // RFC 7009 §2.2: an unknown token, or another client's, gets the same 200 and nothing changes.
  if (!token.ok() || token->grant.client_id != client->id)
    return {"", "", nlohmann::json::object()};
  Status s = token->kind == "refresh" ? store_.oidc().RevokeGrant(token->grant.grant_id)
                                      : store_.oidc().RevokeToken(token->token_hash);
  if (!s.ok()) return {"server_error", "", {}};
  return {"", "", nlohmann::json::object()};
}

Provider::LogoutCheck Provider::CheckLogout(const Params& p) {
  LogoutCheck out;
  const std::string hint = Get(p, "id_token_hint");
  std::string client_id = Get(p, "client_id");
  if (!hint.empty()) {
    const size_t dot = hint.find('.');
    auto header = crypto::Base64UrlDecode(hint.substr(0, dot == std::string::npos ? 0 : dot));
    nlohmann::json h = header.ok() ? nlohmann::json::parse(*header, nullptr, false) : nullptr;
    std::string kid = h.is_object() ? h.value("kid", "") : "";
    auto key =
        kid.empty()
            ? Result<std::pair<crypto::JwsAlgorithm, crypto::PublicJwk>>(Status::NotFound("no kid"))
            : keys_.Find(kid);
    std::optional<std::string> payload =
        key.ok() ? crypto::VerifyJws(key->first, key->second, hint) : std::nullopt;
    nlohmann::json claims =
        payload ? nlohmann::json::parse(*payload, nullptr, false) : nlohmann::json();
    if (claims.is_object() && claims.value("iss", "") == options_.issuer &&
        claims.contains("aud") && claims["aud"].is_string()) {
      const std::string aud = claims["aud"];
      if (client_id.empty() || client_id == aud) {
        out.hint_valid = true;
        out.sub = claims.value("sub", "");
        client_id = aud;
      }
    }
  }
  const std::string target = Get(p, "post_logout_redirect_uri");
  if (!out.hint_valid || target.empty()) return out;
  auto client = store_.oidc().GetClient(client_id);
  if (!client.ok() || !Contains(client->post_logout_redirect_uris, target)) return out;
  std::vector<std::pair<std::string, std::string>> q;
  if (Has(p, "state")) q.emplace_back("state", Get(p, "state"));
  out.redirect = WithQuery(target, q);
  return out;
}

}  // namespace secinfo::flows::oidc
