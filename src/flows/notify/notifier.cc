#include "flows/notify/notifier.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <vector>

#include "i18n/catalog.h"
#include "methods/phone/phone_data.h"
#include "methods/registry.h"

namespace secinfo::flows {
namespace {

// "2026-12-03 09:41 UTC": mails say when, in a form every reader understands.
std::string UtcTime(int64_t millis) {
  std::time_t t = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

// The translated name of a method as the audit log names it: "phone:mobile", "authenticator".
std::string MethodName(std::string_view lang, std::string_view method) {
  const auto& catalog = i18n::Catalog::BuiltIn();
  size_t colon = method.find(':');
  std::string_view kind_name = method.substr(0, colon);
  auto kind = methods::ParseKind(kind_name);
  if (!kind) return std::string(method);
  if (colon != std::string_view::npos) {
    // A kind's sub-type ("phone:mobile") has its own label, "phone_type_mobile".
    size_t end = method.find(' ', colon);
    std::string sub(
        method.substr(colon + 1, end == std::string_view::npos ? end : end - colon - 1));
    return catalog.Get(lang, std::string(kind_name) + "_type_" + sub);
  }
  return catalog.Get(lang, methods::Info(*kind).label_key);
}

std::string LanguageOf(const store::User& user, const store::Tenant& tenant) {
  return user.locale.empty() ? tenant.default_locale : user.locale;
}

// Entries recorded inside a unit of work (Store::Atomically) on this thread, held until the unit
// committed: a change that was rolled back is never announced. One frame per unit, innermost last;
// `audit` says which watched store's unit it is.
struct HeldEntries {
  const store::AuditLog* audit;
  std::vector<store::AuditEntry> entries;
};
thread_local std::vector<HeldEntries> held_entries;

HeldEntries* InnermostUnitOf(const store::AuditLog* audit) {
  for (auto it = held_entries.rbegin(); it != held_entries.rend(); ++it) {
    if (it->audit == audit) return &*it;
  }
  return nullptr;
}

// Every call forwards to the wrapped log, then tells the notifier (once committed, in a unit).
class NotifyingAudit final : public store::AuditLog {
 public:
  NotifyingAudit(store::AuditLog& inner, Notifier& notifier) : inner_(inner), notifier_(notifier) {}
  Status Append(const store::AuditEntry& e) override {
    Status s = inner_.Append(e);
    if (HeldEntries* unit = InnermostUnitOf(this)) {
      unit->entries.push_back(e);
    } else {
      notifier_.SecurityInfoChanged(e);
    }
    return s;
  }
  // Runs `unit` (the wrapped store's Atomically) with what it records held; tells the notifier
  // (or the unit around it) only when it returned OK.
  Status Hold(const std::function<Status()>& unit) {
    held_entries.push_back({this, {}});
    Status s = unit();
    HeldEntries frame = std::move(held_entries.back());
    held_entries.pop_back();
    if (!s.ok()) return s;
    HeldEntries* outer = InnermostUnitOf(this);
    for (const store::AuditEntry& e : frame.entries) {
      if (outer != nullptr) {
        outer->entries.push_back(e);
      } else {
        notifier_.SecurityInfoChanged(e);
      }
    }
    return s;
  }
  Result<std::vector<store::AuditEntry>> ListForTenant(int64_t tenant_id, int limit) override {
    return inner_.ListForTenant(tenant_id, limit);
  }
  Result<std::vector<store::AuditEntry>> ListForTenantBetween(int64_t tenant_id, int64_t since,
                                                              int64_t until, int limit) override {
    return inner_.ListForTenantBetween(tenant_id, since, until, limit);
  }
  Result<int64_t> DeleteBefore(int64_t before) override { return inner_.DeleteBefore(before); }

 private:
  store::AuditLog& inner_;
  Notifier& notifier_;
};

class Watched final : public store::Store {
 public:
  Watched(store::Store& inner, Notifier& notifier)
      : inner_(inner), audit_(inner.audit(), notifier) {}
  store::TenantStore& tenants() override { return inner_.tenants(); }
  store::UserStore& users() override { return inner_.users(); }
  store::MethodStore& methods() override { return inner_.methods(); }
  store::SessionStore& sessions() override { return inner_.sessions(); }
  store::CallAttemptStore& call_attempts() override { return inner_.call_attempts(); }
  store::SimCallStore& sim_calls() override { return inner_.sim_calls(); }
  store::CodeChallengeStore& code_challenges() override { return inner_.code_challenges(); }
  store::TextDeliveryStore& text_deliveries() override { return inner_.text_deliveries(); }
  store::SimMessageStore& sim_messages() override { return inner_.sim_messages(); }
  store::AppEnrolmentStore& app_enrolments() override { return inner_.app_enrolments(); }
  store::QuestionStore& questions() override { return inner_.questions(); }
  store::GreetingStore& greetings() override { return inner_.greetings(); }
  store::PushStore& push() override { return inner_.push(); }
  store::AuditLog& audit() override { return audit_; }
  store::RateLimitStore& rate_limits() override { return inner_.rate_limits(); }
  store::SignInStore& sign_in() override { return inner_.sign_in(); }
  store::OidcStore& oidc() override { return inner_.oidc(); }
  store::PasswordResetStore& password_resets() override { return inner_.password_resets(); }
  Status Ping() override { return inner_.Ping(); }
  Status Atomically(const std::function<Status()>& fn) override {
    return audit_.Hold([&] { return inner_.Atomically(fn); });
  }

 private:
  store::Store& inner_;
  NotifyingAudit audit_;
};

}  // namespace

Notifier::Notifier(store::Store& store, channels::EmailChannel& email, const Clock& clock)
    : store_(store), email_(email), clock_(clock), worker_([this] { Run(); }) {}

Notifier::~Notifier() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  worker_.join();
}

bool Notifier::SecurityInfoChanged(const store::AuditEntry& e) {
  static const char* const kChanges[] = {"method_register", "method_change", "method_delete",
                                         "default_change"};
  if (e.result != "success" || !e.user_id || !e.tenant_id) return false;
  const char* change = nullptr;
  for (const char* c : kChanges) {
    if (e.action == c) change = c;
  }
  if (change == nullptr) return false;
  auto user = store_.users().Get(*e.user_id);
  auto tenant = store_.tenants().Get(*e.tenant_id);
  if (!user.ok() || !tenant.ok()) return false;
  const std::string lang = LanguageOf(*user, *tenant);
  const auto& catalog = i18n::Catalog::BuiltIn();
  const std::map<std::string, std::string> args = {
      {"organization", tenant->name},
      {"name", user->display_name.empty() ? user->username : user->display_name},
      {"method", MethodName(lang, e.method)},
      {"when", UtcTime(e.at)},
      {"ip", e.ip.empty() ? catalog.Get(lang, "notify_unknown_ip") : e.ip},
      {"change", catalog.Get(lang, std::string("notify_change_") + change)}};
  channels::EmailMessage m;
  m.to = user->username;  // the account's own address
  m.from_name = tenant->name;
  m.subject = catalog.Get(lang, "notify_security_info_subject", args);
  m.text = catalog.Get(lang, "notify_security_info_text", args);
  Queue(std::move(m));
  return true;
}

void Notifier::FraudReported(int64_t tenant_id, int64_t user_id, std::string_view method,
                             std::string_view purpose, std::string_view client_ip, bool blocked) {
  auto tenant = store_.tenants().Get(tenant_id);
  auto user = store_.users().Get(user_id);
  auto rules = store_.sign_in().GetPolicy(tenant_id);
  if (!tenant.ok() || !user.ok() || !rules.ok()) return;
  const std::string& lang = tenant->default_locale;
  const auto& catalog = i18n::Catalog::BuiltIn();
  const std::map<std::string, std::string> args = {
      {"organization", tenant->name},
      {"user", user->username},
      {"method", MethodName(lang, method)},
      {"purpose", catalog.Get(lang, "notify_purpose_" + std::string(purpose))},
      {"when", UtcTime(clock_.NowMillis())},
      {"ip", client_ip.empty() ? catalog.Get(lang, "notify_unknown_ip") : std::string(client_ip)},
      {"outcome",
       catalog.Get(lang, blocked ? "notify_fraud_blocked" : "notify_fraud_not_blocked")}};
  for (const std::string& address : rules->notify) {
    channels::EmailMessage m;
    m.to = address;
    m.from_name = tenant->name;
    m.subject = catalog.Get(lang, "notify_fraud_subject", args);
    m.text = catalog.Get(lang, "notify_fraud_text", args);
    Queue(std::move(m));
  }
}

void Notifier::PasswordChanged(const store::User& user, std::string_view client_ip) {
  auto tenant = store_.tenants().Get(user.tenant_id);
  if (tenant.ok()) MailPasswordNotice(user, *tenant, "notify_password_changed", client_ip);
}

std::map<std::string, std::string> Notifier::MailPasswordNotice(const store::User& user,
                                                                const store::Tenant& tenant,
                                                                std::string_view key,
                                                                std::string_view client_ip) {
  const std::string lang = LanguageOf(user, tenant);
  const auto& catalog = i18n::Catalog::BuiltIn();
  std::map<std::string, std::string> args = {
      {"organization", tenant.name},
      {"name", user.display_name.empty() ? user.username : user.display_name},
      {"when", UtcTime(clock_.NowMillis())},
      {"ip", client_ip.empty() ? catalog.Get(lang, "notify_unknown_ip") : std::string(client_ip)}};
  channels::EmailMessage m;
  m.to = user.username;
  m.from_name = tenant.name;
  m.subject = catalog.Get(lang, std::string(key) + "_subject", args);
  m.text = catalog.Get(lang, std::string(key) + "_text", args);
  Queue(std::move(m));
  return args;
}

void Notifier::PasswordReset(const store::User& user, std::string_view client_ip) {
  auto tenant = store_.tenants().Get(user.tenant_id);
  if (!tenant.ok()) return;
  const auto args = MailPasswordNotice(user, *tenant, "notify_password_reset", client_ip);
  const std::string lang = LanguageOf(user, *tenant);
  const auto& catalog = i18n::Catalog::BuiltIn();
  if (sms_ == nullptr) return;
  auto registered = store_.methods().ListForUser(user.id);
  if (!registered.ok()) return;
  // A mobile is a phone that can receive texts: the registry says which.
  for (const store::Method& method : *registered) {
    const auto proofs = methods::ProofsFor(method, methods::Purpose::kMfa);
    if (std::find(proofs.begin(), proofs.end(), methods::Proof::kSmsCode) == proofs.end()) {
      continue;
    }
    QueueText({methods::phone::DataOf(method).number, tenant->name,
               catalog.Get(lang, "notify_password_reset_sms", args)});
  }
}

void Notifier::AdministratorPasswordReset(const store::User& admin, std::string_view client_ip) {
  auto tenant = store_.tenants().Get(admin.tenant_id);
  auto people = store_.users().ListForTenant(admin.tenant_id);
  if (!tenant.ok() || !people.ok()) return;
  const std::string& lang = tenant->default_locale;
  const auto& catalog = i18n::Catalog::BuiltIn();
  const std::map<std::string, std::string> args = {
      {"organization", tenant->name},
      {"user", admin.username},
      {"when", UtcTime(clock_.NowMillis())},
      {"ip", client_ip.empty() ? catalog.Get(lang, "notify_unknown_ip") : std::string(client_ip)}};
  for (const store::User& other : *people) {
    if (!other.is_admin || other.id == admin.id) continue;
    channels::EmailMessage m;
    m.to = other.username;
    m.from_name = tenant->name;
    m.subject = catalog.Get(lang, "notify_admin_password_reset_subject", args);
    m.text = catalog.Get(lang, "notify_admin_password_reset_text", args);
    Queue(std::move(m));
  }
}

void Notifier::Queue(channels::EmailMessage message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({std::move(message), std::nullopt});
  }
  cv_.notify_all();
}

void Notifier::QueueText(channels::SmsMessage message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back({std::nullopt, std::move(message)});
  }
  cv_.notify_all();
}

void Notifier::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
}

void Notifier::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, all sent
    Outgoing out = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    // A notice is sent once: it tells of something done, a second copy would only confuse.
    const std::string& to = out.mail ? out.mail->to : out.text->to;
    channels::SendResult sent = out.mail ? email_.Deliver(*out.mail) : sms_->Deliver(*out.text);
    if (!sent.status.ok()) {
      spdlog::warn("notification to {} not sent: {}", to, sent.status.ToString());
    }
    lock.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

std::unique_ptr<store::Store> NotifyingStore(store::Store& inner, Notifier& notifier) {
  return std::make_unique<Watched>(inner, notifier);
}

}  // namespace secinfo::flows
