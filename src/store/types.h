#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "methods/method_kind.h"
#include "store/states.h"

// Plain records as the store keeps them. Times are Unix milliseconds from the injected Clock.
namespace secinfo::store {

struct Tenant {
  int64_t id = 0;
  std::string name;            // "Contoso"
  std::string domain;          // "contoso.example": user names end with "@" + domain
  std::string default_locale;  // "fr" or "en"
  std::string default_region;  // ISO 3166 region preselected in phone forms, "FR"
};

struct User {
  int64_t id = 0;
  int64_t tenant_id = 0;
  std::string username;       // lower-case "ana@contoso.example"
  std::string display_name;   // "Ana Lima"
  std::string password_hash;  // Argon2id encoded string
  std::string locale;         // preferred language, empty when the person never chose
  std::optional<int64_t> default_method_id;
  // How the default method proves the person at sign-in ("sms" for a mobile texted rather than
  // called); "" when it proves the way its kind offers first.
  std::string default_proof;
  bool is_admin = false;
  int64_t created_at = 0;
  int64_t registration_skips = 0;     // times the registration interrupt was skipped
  bool must_change_password = false;  // a temporary password: choose a new one at next sign-in
};

// One entry of security info. The store keeps what every kind has; what is a kind's own (a
// phone's number, an app's name) is `data`, written and read only by src/methods/<kind>/.
struct Method {
  int64_t id = 0;
  int64_t user_id = 0;
  methods::MethodKind kind = methods::MethodKind::kPhone;
  // The kind's own record, a JSON object the kind encodes (methods::phone::Put, ...). The store
  // keeps it as text and never reads it.
  std::string data;
  // What may be registered once per person, as the kind declares it ("phone_type:mobile",
  // "number:+33612345678", "email"): a second method of the person holding one of these keys is
  // refused (AlreadyExists). Some are also unique across people by construction (a bound device,
  // "device:<id>") and are how a method is found without its user (MethodStore::FindByKey).
  std::vector<std::string> keys;
  std::string secret;   // sealed with the master key, base64url ("" for none); never shown
  int64_t counter = 0;  // the highest one-time counter accepted (an app's TOTP step): works once
  int64_t created_at = 0;
};

// An administrator's switch for one method of a tenant.
struct MethodSwitch {
  std::string method;  // "phone", ...
  bool enabled = true;
  bool mfa = true;   // usable for two-step verification (where the method can be)
  bool sspr = true;  // usable for password reset
};

// A one-time code sent by SMS or email to prove an address or number. The code itself is never
// stored: only a keyed hash of it.
struct CodeChallenge {
  std::string id;  // random, unguessable; used in URLs
  int64_t tenant_id = 0;
  int64_t user_id = 0;
  std::string purpose;                                            // "register"
  std::string channel;                                            // "sms", "email"
  std::string destination;                                        // E.164 number or email address
  methods::MethodKind method_kind = methods::MethodKind::kPhone;  // what it registers
  std::string phone_type;                                         // kind "phone"
  bool extension_removed = false;
  std::optional<int64_t> replaces_method_id;
  std::string locale;
  std::string code_hash;  // HMAC of the current code; "" once used
  CodeChallengeState state = CodeChallengeState::kPending;
  int64_t failed_attempts = 0;  // wrong codes against the current code
  int64_t sends = 0;            // codes sent so far for this challenge
  int64_t last_sent_at = 0;
  int64_t expires_at = 0;
  std::string client_ip;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::optional<int64_t> method_id;  // the method created when verified
  int64_t version = 0;
};

// One text of a code challenge as the SMS provider knows it (one row per part: SMPP gives each
// part its own message_id), and what the network's delivery receipt said of it. A receipt may
// reach any node, even before the node that sent the text recorded it: whichever comes first
// creates the row, the other completes it.
struct TextDelivery {
  std::string provider;      // the SMS provider's name, "smpp"
  std::string message_id;    // the provider's id of the part
  int64_t tenant_id = 0;     // 0 while only the receipt is known
  std::string challenge_id;  // the code challenge the text carries a code of; "" likewise
  int64_t send = 0;          // which of the challenge's sends (its `sends` then); 0 likewise
  int64_t parts = 0;         // parts of that text; 0 likewise
  DeliveryState state = DeliveryState::kNoReceipt;  // until a final receipt
  std::string error;        // the provider's words for an undelivered text ("UNDELIV err:001")
  int64_t sent_at = 0;      // 0 while only the receipt is known
  int64_t reported_at = 0;  // when the receipt arrived; 0 until then
  int64_t created_at = 0;
};

// An authenticator app being added: the seed shown as a QR code, until the person types a right
// code from the app. Kept in the store so any node can finish it.
struct AppEnrolment {
  std::string id;  // random, unguessable; used in URLs
  int64_t tenant_id = 0;
  int64_t user_id = 0;
  std::string name;    // the person's name for the app
  std::string secret;  // sealed TOTP seed (base64url)
  AppEnrolmentState state = AppEnrolmentState::kPending;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::string client_ip;
  std::optional<int64_t> method_id;  // the method created when done
  int64_t version = 0;
};

// A single-use link that binds a companion device to an authenticator app for push approval.
struct PushEnrolToken {
  std::string token_hash;  // SHA-256 of the link's token: a database copy gives no link
  int64_t tenant_id = 0;
  int64_t user_id = 0;
  int64_t method_id = 0;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  bool used = false;
};

// One sign-in (or test) request sent to a device, approved by typing the number the page shows.
struct PushChallenge {
  std::string id;  // random; in URLs and in what the device signs
  int64_t tenant_id = 0;
  int64_t user_id = 0;
  int64_t method_id = 0;
  int64_t number = 0;   // 10-99, shown on the page, typed on the device
  std::string purpose;  // "test"
  PushState state = PushState::kPending;
  bool reported = false;  // denied as suspicious
  std::string client_ip;  // who asked (shown on the device)
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t version = 0;
};

// A tenant's security-question rules (defaults when never set: 3 and 3).
struct QuestionSettings {
  int64_t to_register = 3;
  int64_t to_reset = 3;
};

struct CustomQuestion {
  int64_t id = 0;
  int64_t tenant_id = 0;
  std::string text;
  int64_t created_at = 0;
};

// One registered answer. question_id is a predefined key ("question_predefined_07") or
// "custom:<id>"; the answer is only kept as an Argon2id hash of its normalized form.
struct QuestionAnswer {
  std::string question_id;
  std::string answer_hash;
};

// A tenant's own recording, played on its calls in one language instead of the spoken prompt.
struct Greeting {
  int64_t tenant_id = 0;
  std::string locale;       // a language with a catalog, "fr"
  std::string audio_ulaw;   // raw 8 kHz mono G.711 u-law: the PCMU payload as played
  int64_t duration_ms = 0;  // of audio_ulaw
  int64_t created_at = 0;
};

// What listing a tenant's greetings shows, without their audio.
struct GreetingSummary {
  std::string locale;
  int64_t duration_ms = 0;
  int64_t size_bytes = 0;  // of the audio
  int64_t created_at = 0;
};

// A text or an email delivered on the simulated network, as the recipient sees it.
struct SimMessage {
  int64_t id = 0;
  std::string channel;    // "sms", "email"
  std::string recipient;  // E.164 number or email address
  std::string sender;
  std::string subject;  // email only
  std::string body;     // plain text
  std::string html;     // email only, may be empty
  int64_t created_at = 0;
};

// A signed-in browser. The cookie holds the session id; the store keeps only its SHA-256.
// A session starts with the password alone; what else was proven, and when, is its assurance.
struct Session {
  std::string id_hash;
  int64_t user_id = 0;
  int64_t tenant_id = 0;
  int64_t created_at = 0;  // when the password was given: the sign-in's auth_time
  int64_t last_seen_at = 0;
  int64_t expires_at = 0;
  std::string amr = "pwd";       // RFC 8176 values proven in this session, space-separated
  int64_t second_factor_at = 0;  // when a second factor was last proven here; 0: never
  std::string second_step;       // how sign-in's second step was met: "", "proof", "remembered",
                                 // "skipped" (the registration interrupt), "not_required"
  std::string client_ip;         // where it signed in from
  std::string user_agent;        // the browser it signed in with (shown in the session list)
};

// One voice call that proves a phone number, with the number it would register. The state machine
// that moves it lives in flows/; the store only keeps it and refuses stale writes (see `version`).
struct CallAttempt {
  std::string id;  // random, unguessable; used in URLs
  int64_t tenant_id = 0;
  int64_t user_id = 0;
  std::string purpose;     // flows' ProofPurpose: "register", "sign_in", "step_up", ...
  std::string phone_e164;  // the number being proven
  std::string phone_type;  // what it will be registered as
  bool extension_removed = false;
  std::string locale;                     // language of the prompt
  CallState state = CallState::kPlacing;  // moved by flows/registration/call_state.h
  std::string provider;                   // "simulated", "sip", ...
  std::string provider_call_id;           // the provider's reference of the call
  std::string digits;                     // keys pressed so far
  std::string client_ip;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  int64_t ringing_at = 0;            // 0 until the phone rings
  int64_t answered_at = 0;           // 0 until answered
  int64_t ended_at = 0;              // 0 while the call is live
  std::optional<int64_t> method_id;  // registration: the method created on confirmation; other
                                     // purposes: the registered phone being proven
  std::optional<int64_t> replaces_method_id;  // a phone being changed: replaced on confirmation
  int64_t version = 0;                        // bumped by every successful update
  bool fraud_confirm = false;  // "0#" asks for 1 to confirm the report (the tenant blocks on it)
};

// A call on the simulated phone network, as the phone sees it (a product feature: demo,
// evaluation).
struct SimCall {
  std::string id;
  std::string number_e164;  // the phone that rings
  std::string caller;       // what the phone shows as caller
  std::string locale;
  std::string prompt;            // what the caller says once answered
  bool custom_greeting = false;  // the tenant's recording plays instead of `prompt`
  std::string said;              // what the caller said last after `prompt` (VoiceChannel::Say)
  std::string state;             // "ringing", "answered", "ended"
  std::string digits;            // keys pressed
  std::string end_reason;        // "", "hung_up_by_phone", "hung_up_by_caller", "rejected"
  int64_t created_at = 0;
  int64_t answered_at = 0;
  int64_t ended_at = 0;
};

struct AuditEntry {
  int64_t id = 0;
  int64_t at = 0;
  std::optional<int64_t> tenant_id;
  std::optional<int64_t> user_id;
  std::string actor;  // who acted: a user name, "admin-cli", "system"
  std::string ip;     // client address, empty for the CLI
  std::string
      action;  // "sign_in", "method_register", "method_delete", "default_change", "call", ...
  std::string method;  // "phone:mobile", ... or empty
  std::string result;  // "success", "failure", "no_answer", "fraud_reported", ...
  std::string detail;  // free text for operators; never a secret
};

// A tenant's rules for signing in (defaults when never set).
struct SignInPolicy {
  std::string mfa = "off";              // two-step verification: "off", "all", "listed"
  std::vector<std::string> mfa_listed;  // "listed": user names, or "admins" for every administrator
  int64_t remember_days = 0;        // "Don't ask again for N days" on a browser; 0: never offered
  int64_t max_skips = 0;            // times a person may skip registering a method; 0: never
  bool fraud_alert = true;          // 0# in a call and "It's not me" on a push report fraud
  bool fraud_block = false;         // a confirmed report blocks the person's sign-in verification
  std::vector<std::string> notify;  // addresses told of every fraud report
};

// A tenant's defences against toll fraud and SMS pumping: where calls and texts may go, and how
// many an hour (defaults when never set).
struct TollFraudPolicy {
  std::vector<std::string> countries;  // ISO regions calls and texts may reach; empty: all
  std::vector<std::string> refused_types = {"premium_rate", "shared_cost", "uan", "voicemail",
                                            "pager"};  // phone::NumberTypeName values
  int64_t per_user_hour = 20;                          // calls and texts one person may cause
  int64_t per_ip_hour = 30;                            // from one address (IPv6: one /64)
  int64_t per_tenant_hour = 1000;                      // for the whole tenant
  int64_t per_country_hour = 200;                      // to one destination country, for the tenant
};

// A browser on which a person chose "Don't ask again": the second step is skipped there until it
// expires or is revoked. The cookie holds a random token; the store keeps its SHA-256.
struct RememberedBrowser {
  std::string id_hash;
  int64_t user_id = 0;
  int64_t tenant_id = 0;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  std::string client_ip;
  std::string user_agent;
};

// Consecutive failed second-step verifications of a person (NIST SP 800-63B §5.2.2).
struct VerificationFailures {
  int64_t failures = 0;      // since the last success; includes checks in flight
  int64_t locked_until = 0;  // no check before this time
};

// One use of security info to prove who someone is (sign-in, step-up, password reset), bound to the
// session or reset it serves. The proof keeps its own record (call attempt, code challenge, push
// request); this one says what it is for, and is used once.
struct Verification {
  std::string id;  // random, unguessable; in URLs
  int64_t tenant_id = 0;
  int64_t user_id = 0;
  std::string binding;  // SHA-256 (hex) of the session or reset token it serves
  std::string purpose;  // "sign_in", "step_up", "password_reset"
  int64_t method_id = 0;
  std::string proof;         // methods::ProofName: "call", "sms", "app_code", "push", ...
  std::string challenge_id;  // the call attempt, code challenge or push request; "" for app codes
  VerificationState state = VerificationState::kPending;
  std::string client_ip;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t version = 0;
};

// A person whose two-step verification is blocked after a fraud report.
struct VerificationBlock {
  int64_t user_id = 0;
  int64_t tenant_id = 0;
  std::string username;  // filled by listings
  int64_t blocked_at = 0;
  int64_t until = 0;
  std::string reason;  // "fraud_report"
  std::string detail;
};

// An application that signs people in through secinfo (an OpenID Connect relying party),
// registered in one tenant by an administrator.
struct OidcClient {
  std::string id;  // client_id: random, public
  int64_t tenant_id = 0;
  std::string name;
  std::string secret_hash;  // SHA-256 (hex) of the client secret; "" for a public client
  std::vector<std::string> redirect_uris;              // compared exactly
  std::vector<std::string> post_logout_redirect_uris;  // compared exactly
  std::vector<std::string> scopes;                     // the scopes it may ask for
  bool is_public = false;              // no secret: PKCE alone proves the code's caller
  bool third_party = false;            // the person is asked to consent before the first sign-in
  std::string id_token_alg = "RS256";  // how its ID tokens are signed: "RS256" or "ES256"
  int64_t created_at = 0;
};

// A key that signs ID tokens. The private key is sealed with the master key; the public key is
// published in the JWKS while it signs and, once retired, until the tokens it signed expire.
struct OidcSigningKey {
  std::string kid;                 // RFC 7638 thumbprint of the public key
  std::string alg;                 // "RS256", "ES256"
  std::string sealed_private_key;  // SecretBox-sealed PKCS#8 PEM, base64url
  std::string public_jwk;          // the JWK as JSON text
  int64_t created_at = 0;
  int64_t retired_at = 0;  // 0 while it signs
  int64_t expires_at = 0;  // retired keys leave the JWKS at this time; 0 while it signs
};

// What one sign-in granted one client: shared by its code and every token issued from it, so a
// replayed code or refresh token revokes them all (the `grant_id`).
struct OidcGrant {
  std::string grant_id;  // random
  std::string client_id;
  int64_t tenant_id = 0;
  int64_t user_id = 0;
  std::string scope;         // space-separated, as granted
  std::string nonce;         // the authorization request's, "" when none
  std::string session_hash;  // the secinfo session it came from (the `sid`)
  int64_t auth_time = 0;     // Unix milliseconds of the password
  std::string amr;           // RFC 8176 values, space-separated
  std::string acr;
};

// An authorization code. Only its SHA-256 is kept.
struct OidcCode {
  std::string code_hash;
  OidcGrant grant;
  std::string redirect_uri;
  std::string code_challenge;  // PKCE S256
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t used_at = 0;  // 0 until exchanged
};

// An access or refresh token. Only its SHA-256 is kept.
struct OidcToken {
  std::string token_hash;
  std::string kind;  // "access", "refresh"
  OidcGrant grant;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t used_at = 0;  // refresh tokens: when it was exchanged for the next (rotation)
  bool revoked = false;
};

// A tenant's rules for self-service password reset (defaults when never set).
struct ResetPolicy {
  int64_t methods_required = 1;  // methods to prove, 1 or 2 (administrators always 2)
  bool notify_admins = false;    // mail every administrator when an administrator's is reset
  // Ask people at sign-in for enough methods to reset their password, and to review their
  // security info every reconfirm_days (Entra ID's "Require users to register when signing in").
  bool require_registration = false;
  int64_t reconfirm_days = 180;  // with require_registration; 0: never
};

// One self-service password reset under way. The browser holds a random token; the store keeps
// its SHA-256. A decoy (unknown user, too few methods, blocked or locked) walks the same pages.
struct PasswordReset {
  std::string id_hash;
  int64_t tenant_id = 0;         // 0 when the user name's domain is no tenant's
  int64_t user_id = 0;           // 0 for an unknown user
  std::string username;          // as typed, lower-cased: the key of the reset limits
  std::string decoy;             // "" for a real reset; else why not (the audit log says it)
  int64_t steps = 1;             // verification steps required: 1 or 2
  int64_t step = 1;              // the step being proven; steps + 1: choose the new password
  int64_t proven_method_id = 0;  // the method that proved step 1 (never serves step 2)
  std::string offer;             // the way being tried in this step ("text_mobile"); "" choosing
  std::string verification_id;   // the proof under way (flows::Verifier); "" for a decoy
  std::string questions;         // the questions asked now, one id a line
  int64_t push_number = 0;       // a decoy's number for "approve a notification"
  int64_t push_ends_at = 0;      // when that decoy request ends unanswered, as a real one would
  std::string client_ip;
  int64_t created_at = 0;
  int64_t expires_at = 0;
  int64_t version = 0;
};

}  // namespace secinfo::store
