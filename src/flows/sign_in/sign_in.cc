#include "flows/sign_in/sign_in.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>

#include "core/metrics.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/password.h"
#include "flows/limits.h"
#include "i18n/case_fold.h"

namespace secinfo::flows {

std::string Sessions::TokenHash(std::string_view token) {
  return crypto::HexEncode(crypto::Sha256(token));
}

SignInResult Sessions::SignIn(std::string_view username_in, std::string_view password,
                              std::string_view client_ip, std::string_view user_agent,
                              std::string_view remember_token) {
  // User names in any letter case, of any script, name the same account.
  const std::string username = i18n::CaseFold(username_in);
  const int64_t now = clock_.NowMillis();
  const std::string network = ClientNetworkKey(client_ip);
  auto& limits = store_.rate_limits();
  auto user = store_.users().FindByUsername(username);
  const store::User* known = user.ok() ? &*user : nullptr;
  // A browser remembered by this account ("don't ask again"). Looked up for unknown names too (as
  // nobody's), so that the time taken tells nothing about existence.
  const bool remembered =
      !remember_token.empty() &&
      store_.sign_in().FindRemembered(TokenHash(remember_token), known ? known->id : 0, now).ok();

  // This try is reserved as a failure before the password is checked, for unknown names too, so
  // that throttling tells nothing about existence and parallel guesses are counted one by one
  // (ASVS 4.0 V2.2.1). The strict limit per account is also keyed by the client network, as
  // Keycloak's brute-force detection and ASVS V2.2.1 advise, so that a stranger's failures
  // elsewhere cannot lock the person out; the account-wide cap bounds guessing spread over many
  // networks (NIST SP 800-63B §5.2.2: at most 100 failures), and does not stop a browser the
  // person remembered, which proves a past second step. A right password gives its reservations
  // back.
  enum : size_t { kNetwork, kAccountHere, kAccount };
  const Cap caps[] = {
      {"signin:ip:" + network, options_.max_failures_per_ip, options_.failure_window_millis},
      {"signin:account-network:" + network + " " + username, options_.max_failures_per_account,
       options_.failure_window_millis},
      {"signin:account:" + username, options_.max_failures_per_account_all_networks,
       options_.all_networks_window_millis},
  };
  static constexpr const char* kTooMany[] = {
      "too many failures from this network",
      "too many failures for this account from this network",
      "too many failures for this account from all networks",
  };
  const std::span<const Cap> counted = std::span(caps).first(remembered ? kAccount : kAccount + 1);
  Result<size_t> full = ReserveAll(limits, counted, now);
  if (!full.ok() || *full < counted.size()) {
    Audit(known, username, client_ip, "throttled",
          full.ok() ? kTooMany[*full] : "rate limits unavailable: " + full.status().ToString());
    metrics::Lockouts().Add({"sign_in_throttled"});
    return {SignInOutcome::kThrottled};
  }

  // Unknown names cost the same time as known ones; a hash with old parameters is renewed.
  const bool good = credentials_.Verify(known, password);
  if (!good) {
    Audit(known, username, client_ip, "failure");
    return {SignInOutcome::kInvalidCredentials};
  }
  // The person's own failures from this network are forgiven; those of the account as a whole are
  // not, or each of the person's sign-ins would buy guessers elsewhere a fresh allowance.
  limits.Reset(caps[kAccountHere].key);
  limits.Release(caps[kNetwork].key, now, caps[kNetwork].window_millis);
  if (!remembered) limits.Release(caps[kAccount].key, now, caps[kAccount].window_millis);

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
  s.client_ip = std::string(client_ip);
  s.user_agent = std::string(user_agent.substr(0, 256));
  if (remembered) {
    s.second_step = "remembered";
    result.remembered = true;
  }
  if (Status st = store_.sessions().Create(s); !st.ok()) {
    spdlog::error("could not create session: {}", st.ToString());
    return {SignInOutcome::kInvalidCredentials};
  }
  Audit(
      &*user, username, client_ip, "success",
      std::string(result.remembered ? "remembered browser; " : "") + "user agent " + s.user_agent);
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
  return Principal{*user, std::string(token), *session};
}

Status Sessions::SignOut(std::string_view token) {
  return store_.sessions().Delete(TokenHash(token));
}

Status Sessions::RecordSecondFactor(const Principal& p, std::string_view amr) {
  // The amr list keeps each value once, in the order first proven.
  std::string list = p.session.amr.empty() ? "pwd" : p.session.amr;
  bool present = false;
  for (size_t start = 0; start <= list.size();) {
    size_t end = list.find(' ', start);
    if (end == std::string::npos) end = list.size();
    if (std::string_view(list).substr(start, end - start) == amr) present = true;
    start = end + 1;
  }
  if (!present) list += " " + std::string(amr);
  const int64_t now = clock_.NowMillis();
  return store_.sessions().SetAssurance(TokenHash(p.session_token), list, now, "proof", now);
}

Status Sessions::MarkSecondStep(const Principal& p, std::string_view how,
                                int64_t second_factor_at) {
  return store_.sessions().SetAssurance(TokenHash(p.session_token), p.session.amr,
                                        std::max(second_factor_at, p.session.second_factor_at), how,
                                        clock_.NowMillis());
}

bool Sessions::StepUpStale(const Principal& p) const {
  return p.session.second_factor_at == 0 ||
         clock_.NowMillis() - p.session.second_factor_at > options_.step_up_millis;
}

Result<std::string> Sessions::RememberBrowser(const store::User& user, int64_t days,
                                              std::string_view client_ip,
                                              std::string_view user_agent) {
  if (days <= 0) return Status::FailedPrecondition("remembering browsers is off");
  store::RememberedBrowser b;
  std::string token = random_.Token();
  b.id_hash = TokenHash(token);
  b.user_id = user.id;
  b.tenant_id = user.tenant_id;
  b.created_at = clock_.NowMillis();
  b.expires_at = b.created_at + days * 24 * 3600 * 1000;
  b.client_ip = std::string(client_ip);
  b.user_agent = std::string(user_agent.substr(0, 256));
  SECINFO_RETURN_IF_ERROR(store_.sign_in().RememberBrowser(b));
  return token;
}

Result<int64_t> Sessions::SignOutOthers(const Principal& p) {
  auto ended = store_.sessions().DeleteOthers(p.user.id, TokenHash(p.session_token));
  if (!ended.ok()) return ended.status();
  SECINFO_RETURN_IF_ERROR(store_.sign_in().ForgetRemembered(p.user.id, ""));
  return ended;
}

void Sessions::Audit(const store::User* user, std::string_view username, std::string_view ip,
                     std::string_view result, std::string detail) {
  store::AuditEntry e;
  e.at = clock_.NowMillis();
  if (user) {
    e.tenant_id = user->tenant_id;
    e.user_id = user->id;
  }
  e.actor = std::string(username);
  e.ip = std::string(ip);
  e.action = "sign_in";
  e.method = "password";
  e.result = std::string(result);
  e.detail = std::move(detail);
  if (Status s = store_.audit().Append(e); !s.ok()) {
    spdlog::error("audit log write failed: {}", s.ToString());
  }
}

}  // namespace secinfo::flows
