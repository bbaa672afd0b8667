#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "flows/oidc/keys.h"
#include "flows/sign_in/second_step.h"
#include "flows/sign_in/sign_in.h"
#include "store/store.h"

// secinfo as an OpenID Connect provider (OpenID Connect Core 1.0, authorization code flow with
// PKCE, RFC 6749, RFC 7636, RFC 7009, RFC 9207, RP-Initiated Logout 1.0). Requests arrive as
// decoded parameters; answers are values and OAuth error codes that web/ turns into redirects and
// JSON. Everything a later step needs is in the store, so any node serves any step. Thread-safe.
namespace secinfo::flows::oidc {

// Our authentication context classes, listed in discovery.
inline constexpr char kAcrPassword[] = "urn:secinfo:acr:password";
inline constexpr char kAcrTwoStep[] = "urn:secinfo:acr:two-step";
// Marks a return from the sign-in the provider asked for (prompt=login, max_age): the session must
// have started at or after this time (Unix ms). Only ever makes a request stricter.
inline constexpr char kAuthAfterParam[] = "secinfo_auth_after";

struct ProviderOptions {
  std::string issuer = "http://localhost:8080";  // the public URL, no trailing slash
  int64_t code_millis = 60'000;                  // codes live 60 s, once
  int64_t access_token_millis = 10 * 60'000;
  int64_t id_token_millis = 10 * 60'000;
  int64_t refresh_token_millis = int64_t{14} * 24 * 3'600'000;
  // How long a replaced signing key stays published: the ID tokens it signed, and clock skew.
  int64_t retired_key_millis() const { return id_token_millis + 5 * 60'000; }
};

// A checked authorization request.
struct AuthorizationRequest {
  store::OidcClient client;
  std::string redirect_uri;
  std::string state;  // returned as given
  std::string nonce;
  std::string scope;  // what will be granted: asked ∩ allowed for the client ∩ known
  std::string code_challenge;
  std::string login_hint;
  std::string ui_locales;
  bool prompt_none = false;
  bool prompt_login = false;
  bool prompt_consent = false;
  std::optional<int64_t> max_age_seconds;
  bool wants_two_step = false;  // acr_values asks for kAcrTwoStep
  std::optional<int64_t> auth_after;
};

struct ParsedAuthorization {
  // Not empty: the request cannot be answered to any client (unknown client, redirect URI not
  // registered, no response_type): show this message (an i18n key), never redirect.
  std::string page_error;
  // Not empty: answer the client at redirect_uri with this OAuth error.
  std::string error;
  std::string error_description;
  AuthorizationRequest request;  // client and redirect_uri are set whenever page_error is empty
};

enum class AuthorizeStep {
  kSignIn,          // show the sign-in page, then come back
  kReauthenticate,  // prompt=login or max_age: end the session, sign in again, come back
  kSecondStep,      // prove a second factor (tenant rules or acr_values), then come back
  kRegister,        // the tenant requires a method the person has not registered
  kConsent,         // a third-party client the person has not consented to
  kIssue,           // redirect with a code
  kError,           // redirect with `error`
};

struct AuthorizeDecision {
  AuthorizeStep step = AuthorizeStep::kError;
  std::string error;  // kError: login_required, interaction_required, consent_required
};

// Client credentials as the token and revocation endpoints received them.
struct ClientCredentials {
  std::string client_id;
  std::string client_secret;
  bool from_basic = false;   // HTTP Basic (client_secret_basic)
  bool conflicting = false;  // more than one method used: refused (RFC 6749 §2.3)
};

struct EndpointResult {
  std::string error;  // an OAuth error code; empty on success
  std::string error_description;
  nlohmann::json body;  // on success
};

class Provider {
 public:
  // `sub_key`: 32 secret bytes from which subjects are derived.
  Provider(store::Store& store, SigningKeys& keys, const Clock& clock, Random& random,
           std::string sub_key, ProviderOptions options)
      : store_(store),
        keys_(keys),
        clock_(clock),
        random_(random),
        sub_key_(std::move(sub_key)),
        options_(std::move(options)) {}

  const ProviderOptions& options() const { return options_; }
  // The discovery document (OpenID Connect Discovery 1.0 §3).
  nlohmann::json Discovery() const;

  ParsedAuthorization ParseAuthorization(const std::map<std::string, std::string>& params);
  // What the request needs given the browser's session (null: none) and its second step.
  AuthorizeDecision Decide(const AuthorizationRequest& r, const Principal* p,
                           const SecondStepState* second_step) const;
  // Records that the person consented to the request's scopes for its client.
  Status Consent(const AuthorizationRequest& r, const Principal& p);
  // Issues a code for the signed-in person: the URL to redirect to.
  Result<std::string> IssueCode(const AuthorizationRequest& r, const Principal& p);
  // The URL that answers `r` with an OAuth error (RFC 6749 §4.1.2.1), with state and iss.
  std::string ErrorRedirect(const AuthorizationRequest& r, std::string_view error,
                            std::string_view description = {}) const;

  // The token endpoint: grant_type authorization_code or refresh_token.
  EndpointResult Token(const ClientCredentials& creds,
                       const std::map<std::string, std::string>& form);
  // The userinfo endpoint's claims for a bearer access token; error "invalid_token" otherwise.
  EndpointResult UserInfo(std::string_view access_token);
  // RFC 7009: revokes the token if it is the client's. Unknown tokens are not an error.
  EndpointResult Revoke(const ClientCredentials& creds,
                        const std::map<std::string, std::string>& form);

  struct LogoutCheck {
    bool hint_valid = false;  // id_token_hint is one of our ID tokens (expired or not)
    std::string sub;          // the hint's subject
    std::string redirect;     // where to go after signing out, with state; "" for our page
  };
  // RP-initiated logout: checks id_token_hint, and post_logout_redirect_uri against the client's
  // registered ones. A redirect is only allowed with a valid hint.
  LogoutCheck CheckLogout(const std::map<std::string, std::string>& params);

  // The stable, per-tenant subject of a person.
  std::string Subject(const store::User& user) const;

 private:
  Result<store::OidcClient> AuthenticateClient(const ClientCredentials& creds, std::string* error);
  EndpointResult Issue(const store::OidcClient& client, const store::OidcGrant& grant,
                       std::string_view previous_refresh);
  Result<std::string> IdToken(const store::OidcClient& client, const store::OidcGrant& grant,
                              const store::User& user, std::string_view access_token);
  nlohmann::json Claims(const store::User& user, std::string_view scope);

  store::Store& store_;
  SigningKeys& keys_;
  const Clock& clock_;
  Random& random_;
  const std::string sub_key_;
  const ProviderOptions options_;
};

// RFC 8176 values proven in a session ("pwd otp"), with "mfa" added when they span two factor
// categories (something known: pwd, kba; something had: tel, sms, otp, swk, hwk).
std::vector<std::string> AmrWithMfa(std::string_view session_amr);

}  // namespace secinfo::flows::oidc
