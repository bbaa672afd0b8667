#include "flows/registration/app_registration.h"

#include "crypto/encoding.h"
#include "flows/audit.h"
#include "methods/authenticator/app_data.h"
#include "methods/authenticator/totp_method.h"
#include "policy/policy.h"

namespace secinfo::flows {
namespace {

using store::AppEnrolmentState;

namespace totp = methods::authenticator;
constexpr int64_t kHourMillis = 3600 * 1000;

AppCodeOutcome FromTotp(totp::TotpOutcome o) {
  switch (o) {
    case totp::TotpOutcome::kAccepted:
      return AppCodeOutcome::kAccepted;
    case totp::TotpOutcome::kRejected:
      return AppCodeOutcome::kRejected;
    case totp::TotpOutcome::kReplayed:
      return AppCodeOutcome::kReplayed;
    case totp::TotpOutcome::kMalformed:
      return AppCodeOutcome::kMalformed;
  }
  return AppCodeOutcome::kRejected;
}

}  // namespace

AppRegistration::AppRegistration(store::Store& store, const Clock& clock, Random& random,
                                 crypto::SecretBox seeds, AppOptions options)
    : store_(store), clock_(clock), random_(random), seeds_(std::move(seeds)), options_(options) {}

std::optional<std::string> AppRegistration::CleanName(std::string_view name) {
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  size_t code_points = 0;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) return std::nullopt;
    if ((c & 0xC0) != 0x80) ++code_points;
  }
  if (code_points == 0 || code_points > 64) return std::nullopt;
  return std::string(name);
}

std::string AppRegistration::Open(const std::string& sealed) const {
  auto raw = crypto::Base64UrlDecode(sealed);
  if (!raw.ok()) return "";
  auto seed = seeds_.Open(*raw);
  return seed.ok() ? *seed : "";
}

bool AppRegistration::Reserve(const std::string& key) {
  // Counted before the code is checked (ASVS V2.2.1): parallel tries cannot pass the limit.
  auto reserved =
      store_.rate_limits().Reserve(key, clock_.NowMillis(), kHourMillis, options_.max_wrong_codes);
  return reserved.ok() && *reserved;
}

void AppRegistration::Release(const std::string& key) {
  store_.rate_limits().Release(key, clock_.NowMillis(), kHourMillis);
}

AppError AppRegistration::Begin(const store::User& user, std::string_view name,
                                std::string_view client_ip, std::string* enrolment_id) {
  auto policy = policy::LoadPolicy(store_.tenants(), user.tenant_id);
  if (!policy.ok()) return AppError::kInternal;
  if (!policy->Allows(methods::MethodKind::kAuthenticator)) return AppError::kNotAllowed;
  std::optional<std::string> clean = CleanName(name);
  if (!clean) return AppError::kBadName;
  auto methods = store_.methods().ListForUser(user.id);
  if (!methods.ok()) return AppError::kInternal;
  int64_t apps = 0;
  for (const auto& m : *methods) apps += methods::IsKind(m, methods::MethodKind::kAuthenticator);
  if (apps >= options_.max_apps) return AppError::kTooMany;

  const int64_t now = clock_.NowMillis();
  store::AppEnrolment e;
  e.id = random_.Token();
  e.tenant_id = user.tenant_id;
  e.user_id = user.id;
  e.name = *clean;
  e.secret = crypto::Base64UrlEncode(seeds_.Seal(totp::NewSeed(random_), random_));
  e.state = AppEnrolmentState::kPending;
  e.created_at = now;
  e.expires_at = now + options_.enrolment_validity_millis;
  e.client_ip = std::string(client_ip);
  if (!store_.app_enrolments().Create(e).ok()) return AppError::kInternal;
  *enrolment_id = e.id;
  return AppError::kNone;
}

Result<AppEnrolmentView> AppRegistration::View(std::string_view enrolment_id,
                                               const store::User& user, std::string_view issuer) {
  auto e = store_.app_enrolments().Get(enrolment_id);
  if (!e.ok()) return e.status();
  if (e->user_id != user.id) return Status::NotFound("no such enrolment");
  AppEnrolmentView v;
  v.enrolment = *e;
  if (e->state == AppEnrolmentState::kPending) {
    std::string seed = Open(e->secret);
    if (seed.empty()) return Status::Internal("enrolment seed cannot be opened");
    v.key_uri = totp::KeyUri(issuer, user.username, seed);
    v.manual_key = totp::ManualEntryKey(seed);
  }
  return v;
}

AppCodeOutcome AppRegistration::Finish(std::string_view enrolment_id, const store::User& user,
                                       std::string_view code, std::string_view client_ip) {
  const std::string throttle = "app-enrol:" + std::string(enrolment_id);
  for (int tries = 0; tries < 8; ++tries) {
    auto e = store_.app_enrolments().Get(enrolment_id);
    if (!e.ok() || e->user_id != user.id) return AppCodeOutcome::kNotPending;
    if (e->state != AppEnrolmentState::kPending) return AppCodeOutcome::kNotPending;
    const int64_t now = clock_.NowMillis();
    if (now >= e->expires_at) {
      store::AppEnrolment expired = *e;
      expired.state = AppEnrolmentState::kExpired;
      store_.app_enrolments().Update(expired);
      return AppCodeOutcome::kExpired;
    }
    if (!Reserve(throttle)) return AppCodeOutcome::kThrottled;
    std::string seed = Open(e->secret);
    if (seed.empty()) return AppCodeOutcome::kUnavailable;
    totp::TotpCheck check = totp::VerifyTotp(seed, code, now / 1000, std::nullopt);
    if (check.outcome != totp::TotpOutcome::kRejected) Release(throttle);
    if (check.outcome != totp::TotpOutcome::kAccepted) return FromTotp(check.outcome);
    store::AppEnrolment done = *e;
    done.state = AppEnrolmentState::kDone;
    store::Method m;
    m.user_id = user.id;
    methods::authenticator::Put({.name = e->name}, m);
    m.secret = e->secret;
    m.counter = static_cast<int64_t>(check.step);  // this code may not be used again
    m.created_at = now;
    Result<int64_t> id = Status::Unavailable("not written");
    Status kept = ChangeWithAudit(
        store_,
        [&] {
          id = store_.app_enrolments().UpdateAndCreateMethod(done, m);
          return id.status();
        },
        [&] {
          Audit(user, client_ip, "method_register", "success", "authenticator app " + e->name);
        });
    if (kept.ok()) return AppCodeOutcome::kAccepted;
    if (id.ok() || id.status().code() != Status::Code::kFailedPrecondition) {
      return AppCodeOutcome::kUnavailable;
    }
  }
  return AppCodeOutcome::kUnavailable;
}

AppCodeOutcome AppRegistration::Check(int64_t method_id, const store::User& user,
                                      std::string_view code, std::string_view client_ip) {
  auto m = store_.methods().Get(user.id, method_id);
  if (!m.ok() || !methods::IsKind(*m, methods::MethodKind::kAuthenticator))
    return AppCodeOutcome::kNotPending;
  const std::string throttle = "app-check:" + std::to_string(method_id);
  if (!Reserve(throttle)) return AppCodeOutcome::kThrottled;
  const AppCodeOutcome outcome = Verify(*m, user, code);
  if (outcome != AppCodeOutcome::kRejected) Release(throttle);
  Audit(user, client_ip, "app_code_check",
        outcome == AppCodeOutcome::kAccepted   ? "success"
        : outcome == AppCodeOutcome::kReplayed ? "replayed"
                                               : "failure",
        "authenticator app " + methods::authenticator::DataOf(*m).name);
  return outcome;
}

AppCodeOutcome AppRegistration::CheckReserved(const store::Method& app, const store::User& user,
                                              std::string_view code) {
  if (app.user_id != user.id || !methods::IsKind(app, methods::MethodKind::kAuthenticator))
    return AppCodeOutcome::kNotPending;
  return Verify(app, user, code);
}

AppCodeOutcome AppRegistration::Verify(const store::Method& app, const store::User& user,
                                       std::string_view code) {
  std::string seed = Open(app.secret);
  if (seed.empty()) return AppCodeOutcome::kUnavailable;
  const int64_t now = clock_.NowMillis();
  totp::TotpCheck check =
      totp::VerifyTotp(seed, code, now / 1000, static_cast<uint64_t>(app.counter));
  AppCodeOutcome outcome = FromTotp(check.outcome);
  if (outcome == AppCodeOutcome::kAccepted) {
    // NIST SP 800-63B §5.1.4.2: a code is accepted once. The store refuses a step not later than
    // the last one, so two nodes checking the same code at once accept it only once.
    Status s = store_.methods().AdvanceCounter(user.id, app.id, static_cast<int64_t>(check.step));
    if (s.code() == Status::Code::kFailedPrecondition)
      outcome = AppCodeOutcome::kReplayed;
    else if (!s.ok())
      outcome = AppCodeOutcome::kUnavailable;
  }
  return outcome;
}

AppError AppRegistration::Rename(int64_t method_id, const store::User& user, std::string_view name,
                                 std::string_view client_ip) {
  std::optional<std::string> clean = CleanName(name);
  if (!clean) return AppError::kBadName;
  auto m = store_.methods().Get(user.id, method_id);
  if (!m.ok() || !methods::IsKind(*m, methods::MethodKind::kAuthenticator))
    return AppError::kNotFound;
  methods::authenticator::AppData app = methods::authenticator::DataOf(*m);
  const std::string old = app.name;
  app.name = *clean;
  methods::authenticator::Put(app, *m);
  Status renamed = ChangeWithAudit(
      store_, [&] { return store_.methods().Update(*m); },
      [&] {
        Audit(user, client_ip, "method_rename", "success",
              "authenticator app " + old + " → " + *clean);
      });
  return renamed.ok() ? AppError::kNone : AppError::kInternal;
}

void AppRegistration::Audit(const store::User& user, std::string_view ip, std::string action,
                            std::string result, std::string detail) {
  AuditFacts facts{user.tenant_id,
                   user.id,
                   std::string(ip),
                   std::move(action),
                   std::string(methods::KindName(methods::MethodKind::kAuthenticator)),
                   std::move(result),
                   std::move(detail)};
  facts.user_name = user.username;
  RecordAudit(store_, clock_, facts);
}

}  // namespace secinfo::flows
