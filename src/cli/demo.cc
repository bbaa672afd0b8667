#include "cli/demo.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "flows/credentials/credentials.h"
#include "flows/password/passwords.h"
#include "i18n/case_fold.h"
#include "i18n/catalog.h"
#include "policy/password_rules.h"
#include "policy/policy.h"

namespace secinfo::cli {
namespace {

struct DemoPerson {
  const char* username;
  const char* name;
  const char* locale;
  bool admin;
};

constexpr DemoPerson kPeople[] = {
    {"ana@contoso.example", "Ana Lima", "fr", false},
    {"ben@contoso.example", "Ben Carter", "en", false},
    {"chloe@contoso.example", "Chloé Martin", "", false},
    {"admin@contoso.example", "Contoso Admin", "", true},
};

}  // namespace

Result<int64_t> CreateUser(store::Store& store, const Clock& clock, const std::string& username_in,
                           const std::string& display_name, const std::string& password,
                           const std::string& locale, bool is_admin) {
  // Stored case-folded, as sign-in looks it up: any letter case names the same account.
  std::string username = i18n::CaseFold(username_in);
  size_t at = username.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= username.size()) {
    return Status::InvalidArgument("the user name must look like name@domain");
  }
  if (!locale.empty() && locale != "fr" && locale != "en") {
    return Status::InvalidArgument("the language must be fr or en");
  }
  auto tenant = store.tenants().FindByDomain(username.substr(at + 1));
  if (!tenant.ok()) {
    return Status::NotFound("no tenant has the domain " + username.substr(at + 1));
  }
  // The one password rule (policy/password_rules.h), its refusal in the operator's English.
  auto context = flows::PasswordContextFor(store, tenant->id, username);
  if (!context.ok()) return context.status();
  policy::PasswordVerdict verdict = policy::CheckPassword(password, *context);
  if (!verdict.ok()) {
    return Status::InvalidArgument(
        i18n::Catalog::BuiltIn().Get("en", policy::PasswordOutcomeKey(verdict.outcome)));
  }
  auto hash = flows::LocalCredentials::Hash(password);
  if (!hash.ok()) return hash.status();
  store::User u;
  u.tenant_id = tenant->id;
  u.username = username;
  u.display_name = display_name;
  u.password_hash = *hash;
  u.locale = locale;
  u.is_admin = is_admin;
  u.created_at = clock.NowMillis();
  return store.users().Create(u);
}

Status EnsureDemoTenant(store::Store& store, Random& random, const Clock& clock,
                        const std::string& credentials_path, const std::string& public_url) {
  auto tenants = store.tenants().List();
  if (!tenants.ok()) return tenants.status();
  if (tenants->empty()) {
    store::Tenant t;
    t.name = "Contoso";
    t.domain = "contoso.example";
    t.default_locale = "fr";
    t.default_region = "FR";
    auto id = store.tenants().Create(t);
    if (!id.ok()) return id.status();
    // The demo shows every method, security questions included (off by default elsewhere).
    SECINFO_RETURN_IF_ERROR(
        policy::SetAllowedMethods(store.tenants(), *id, policy::KnownMethods()));
    // The whole story of the demo: everyone verifies at sign-in, and whoever has no method yet is
    // asked to register one first ("Keep your account secure").
    store::SignInPolicy rules;
    rules.mfa = "all";
    rules.remember_days = 14;
    rules.max_skips = 3;
    rules.fraud_alert = true;
    rules.fraud_block = true;
    rules.notify = {"security@contoso.example"};
    SECINFO_RETURN_IF_ERROR(store.sign_in().SetPolicy(*id, rules));
    std::ostringstream lines;
    for (const DemoPerson& p : kPeople) {
      // A random password meets the rule but for a freak draw (the tenant's name in it).
      std::string password;
      Result<int64_t> user = Status::Internal("no demo password met the rule");
      for (int attempt = 0; attempt < 16 && !user.ok(); ++attempt) {
        password = flows::ReadablePassword(random);
        user = CreateUser(store, clock, p.username, p.name, password, p.locale, p.admin);
        if (!user.ok() && user.status().code() != Status::Code::kInvalidArgument) break;
      }
      if (!user.ok()) return user.status();
      lines << p.username << " " << password << "\n";
    }
    mode_t old = umask(077);
    std::ofstream(credentials_path) << lines.str();
    umask(old);
  }
  std::ifstream in(credentials_path);
  if (!in) return Status::Ok();  // not our demo database: nothing to print
  std::printf("\nsecinfo demo — open %s\n  Contoso (contoso.example), people and passwords:\n",
              public_url.c_str());
  std::string user, password;
  while (in >> user >> password) std::printf("    %-24s %s\n", user.c_str(), password.c_str());
  std::printf("  Simulated phone network: %s/sim\n\n", public_url.c_str());
  std::fflush(stdout);
  return Status::Ok();
}

}  // namespace secinfo::cli
