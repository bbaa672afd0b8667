#include "flows/password/passwords.h"

#include "crypto/hash.h"
#include "flows/audit.h"

namespace secinfo::flows {
namespace {

constexpr std::string_view kReadableAlphabet = "abcdefghjkmnpqrstuvwxyz23456789";

}  // namespace

std::string ReadablePassword(Random& random) {
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i > 0 && i % 4 == 0) out += '-';
    out += kReadableAlphabet[random.Uniform(static_cast<uint32_t>(kReadableAlphabet.size()))];
  }
  return out;
}

std::string ChangeResult::message_key() const {
  switch (outcome) {
    case ChangeOutcome::kChanged:
      return "password_changed";
    case ChangeOutcome::kWrongCurrentPassword:
      return "password_wrong_current";
    case ChangeOutcome::kConfirmationDiffers:
      return "password_confirmation_differs";
    case ChangeOutcome::kRefused:
      return std::string(policy::PasswordOutcomeKey(refusal));
    case ChangeOutcome::kThrottled:
      return "password_throttled";
    case ChangeOutcome::kUnavailable:
      break;
  }
  return "internal_error";
}

Result<policy::PasswordContext> PasswordContextFor(store::Store& store, int64_t tenant_id,
                                                   std::string_view username) {
  auto tenant = store.tenants().Get(tenant_id);
  if (!tenant.ok()) return tenant.status();
  auto banned = store.tenants().ListBannedWords(tenant_id);
  if (!banned.ok()) return banned.status();
  policy::PasswordContext context;
  context.username = std::string(username);
  context.tenant_name = tenant->name;
  context.banned_words = std::move(*banned);
  return context;
}

Result<policy::PasswordVerdict> Passwords::Check(const store::User& user,
                                                 std::string_view candidate) {
  auto context = PasswordContextFor(store_, user.tenant_id, user.username);
  if (!context.ok()) return context.status();
  context->is_current = [&](std::string_view normalized) {
    return credentials_.Verify(&user, normalized);
  };
  return policy::CheckPassword(candidate, *context);
}

ChangeResult Passwords::Change(const Principal& p, std::string_view current, std::string_view next,
                               std::string_view confirmation, std::string_view client_ip) {
  const store::User& user = p.user;
  const int64_t now = clock_.NowMillis();
  const int64_t window = options_.wrong_current_window_millis;
  const std::string key = "password:current:" + std::to_string(user.id);
  auto& limits = store_.rate_limits();
  // Counted as a wrong guess before the check; a right password gives it back (ASVS V2.2.1).
  auto reserved = limits.Reserve(key, now, window, options_.max_wrong_current);
  if (!reserved.ok()) return {ChangeOutcome::kUnavailable};
  if (!*reserved) {
    Audit(user, client_ip, "throttled");
    return {ChangeOutcome::kThrottled};
  }
  if (!credentials_.Verify(&user, current)) {
    Audit(user, client_ip, "failure", "wrong current password");
    return {ChangeOutcome::kWrongCurrentPassword};
  }
  limits.Release(key, now, window);
  // Compared as typed, in constant time: the two fields come from the same person.
  if (!crypto::ConstantTimeEquals(next, confirmation)) return {ChangeOutcome::kConfirmationDiffers};
  auto verdict = Check(user, next);
  if (!verdict.ok()) return {ChangeOutcome::kUnavailable};
  if (!verdict->ok()) {
    Audit(user, client_ip, "refused", std::string(policy::PasswordOutcomeKey(verdict->outcome)));
    return {ChangeOutcome::kRefused, verdict->outcome};
  }
  if (Status s = credentials_.Set(user, next, /*must_change=*/false); !s.ok()) {
    return {ChangeOutcome::kUnavailable};
  }
  ChangeResult result{ChangeOutcome::kChanged};
  // Whoever else knew the old password loses their way in (ASVS V3.3.3).
  if (auto ended = sessions_.SignOutOthers(p); ended.ok()) result.others_signed_out = *ended;
  Audit(user, client_ip, "success",
        std::to_string(result.others_signed_out) + " other sessions signed out");
  if (notifier_ != nullptr) notifier_->PasswordChanged(user, client_ip);
  return result;
}

ChangeResult Passwords::SetAfterReset(const store::User& user, std::string_view next,
                                      std::string_view confirmation, std::string_view client_ip) {
  if (!crypto::ConstantTimeEquals(next, confirmation)) return {ChangeOutcome::kConfirmationDiffers};
  auto verdict = Check(user, next);
  if (!verdict.ok()) return {ChangeOutcome::kUnavailable};
  if (!verdict->ok()) {
    Audit(user, client_ip, "refused", std::string(policy::PasswordOutcomeKey(verdict->outcome)),
          "self-service");
    return {ChangeOutcome::kRefused, verdict->outcome};
  }
  if (!SetAndSignOut(user, next, /*must_change=*/false).ok()) return {ChangeOutcome::kUnavailable};
  Audit(user, client_ip, "success",
        "self-service reset; every session and remembered browser signed out", "self-service");
  return {ChangeOutcome::kChanged};
}

Status Passwords::SetAndSignOut(const store::User& user, std::string_view password,
                                bool must_change) {
  SECINFO_RETURN_IF_ERROR(credentials_.Set(user, password, must_change));
  SECINFO_RETURN_IF_ERROR(store_.sessions().DeleteForUser(user.id));
  return store_.sign_in().ForgetRemembered(user.id, "");
}

Result<std::string> Passwords::ResetTemporary(const store::User& user, Random& random,
                                              std::string_view actor) {
  auto context = PasswordContextFor(store_, user.tenant_id, user.username);
  if (!context.ok()) return context.status();
  // A random password meets the rule but for a freak draw (a banned word, the tenant's name).
  for (int attempt = 0; attempt < 16; ++attempt) {
    std::string password = ReadablePassword(random);
    if (!policy::CheckPassword(password, *context).ok()) continue;
    SECINFO_RETURN_IF_ERROR(SetAndSignOut(user, password, /*must_change=*/true));
    Audit(user, "", "success", "temporary password; every session signed out", std::string(actor));
    return password;
  }
  return Status::Internal("no temporary password met the rule");
}

Result<policy::PasswordVerdict> Passwords::SetByAdministrator(const store::User& user,
                                                              std::string_view password,
                                                              std::string_view actor) {
  auto verdict = Check(user, password);
  if (!verdict.ok() || !verdict->ok()) return verdict;
  SECINFO_RETURN_IF_ERROR(SetAndSignOut(user, password, /*must_change=*/false));
  Audit(user, "", "success", "password set; every session signed out", std::string(actor));
  return verdict;
}

void Passwords::Audit(const store::User& user, std::string_view ip, std::string_view result,
                      std::string detail, std::string actor) {
  AuditFacts facts;
  facts.tenant_id = user.tenant_id;
  facts.user_id = user.id;
  facts.ip = std::string(ip);
  facts.action = actor.empty() ? "password_change" : "password_reset";
  facts.method = "password";
  facts.result = std::string(result);
  facts.detail = std::move(detail);
  facts.actor = std::move(actor);
  RecordAudit(store_, clock_, facts);
}

}  // namespace secinfo::flows
