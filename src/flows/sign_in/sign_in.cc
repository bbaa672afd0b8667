#include "flows/sign_in/sign_in.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/password.h"

namespace secinfo::flows {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

std::string Sessions::TokenHash(std::string_view token) {
  return crypto::HexEncode(crypto::Sha256(token));
}

SignInResult Sessions::SignIn(std::string_view username_in, std::string_view password,
                              std::string_view client_ip) {
  const std::string username = Lower(username_in);
  const int64_t now = clock_.NowMillis();
  const std::string account_key = "signin:account:" + username;
  const std::string ip_key = "signin:ip:" + std::string(client_ip);
  auto& limits = store_.rate_limits();

  // Throttle before verifying, for unknown names too, so throttling tells nothing about existence.
  auto account_failures = limits.Peek(account_key, now, options_.failure_window_millis);
  auto ip_failures = limits.Peek(ip_key, now, options_.failure_window_millis);
  if (!account_failures.ok() || !ip_failures.ok() ||
      *account_failures >= options_.max_failures_per_account ||
      *ip_failures >= options_.max_failures_per_ip) {
    Audit(nullptr, username, client_ip, "throttled");
    return {SignInOutcome::kThrottled};
  }

  auto user = store_.users().FindByUsername(username);
  bool good = false;
  if (user.ok()) {
    good = crypto::VerifyPassword(user->password_hash, password);
  } else {
    crypto::VerifyAgainstDummy(password);  // same time for unknown names
  }
  if (!good) {
    limits.Hit(account_key, now, options_.failure_window_millis);
    limits.Hit(ip_key, now, options_.failure_window_millis);
    Audit(user.ok() ? &*user : nullptr, username, client_ip, "failure");
    return {SignInOutcome::kInvalidCredentials};
  }
  limits.Reset(account_key);

  SignInResult result;
  result.outcome = SignInOutcome::kSignedIn;
  result.user = *user;
  result.session_token = random_.Token();
  store::Session s;
  s.id_hash = TokenHash(result.session_token);
  s.user_id = user->id;
  s.tenant_id = user->tenant_id;
  s.created_at = s.last_seen_at = now;
  s.expires_at = now + std::min(options_.session_idle_millis, options_.session_absolute_millis);
  if (Status st = store_.sessions().Create(s); !st.ok()) {
    spdlog::error("could not create session: {}", st.ToString());
    return {SignInOutcome::kInvalidCredentials};
  }
  Audit(&*user, username, client_ip, "success");
  return result;
}

Result<Principal> Sessions::Authenticate(std::string_view token) {
  if (token.empty()) return Status::NotFound("no session");
  const int64_t now = clock_.NowMillis();
  const std::string hash = TokenHash(token);
  auto session = store_.sessions().Get(hash, now);
  if (!session.ok()) return session.status();
  auto user = store_.users().Get(session->user_id);
  if (!user.ok()) return user.status();
  // Slide the idle expiry, never past the absolute limit. Written at most once a minute.
  if (now - session->last_seen_at > 60'000) {
    int64_t expires = std::min(now + options_.session_idle_millis,
                               session->created_at + options_.session_absolute_millis);
    store_.sessions().Touch(hash, now, expires);
  }
  return Principal{*user, std::string(token)};
}

Status Sessions::SignOut(std::string_view token) {
  return store_.sessions().Delete(TokenHash(token));
}

void Sessions::Audit(const store::User* user, std::string_view username, std::string_view ip,
                     std::string_view result) {
  store::AuditEntry e;
  e.at = clock_.NowMillis();
  if (user) {
    e.tenant_id = user->tenant_id;
    e.user_id = user->id;
  }
  e.actor = std::string(username);
  e.ip = std::string(ip);
  e.action = "sign_in";
  e.result = std::string(result);
  if (Status s = store_.audit().Append(e); !s.ok()) {
    spdlog::error("audit log write failed: {}", s.ToString());
  }
}

}  // namespace secinfo::flows
