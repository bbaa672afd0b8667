#include "cli/reset_commands.h"

#include <cstdio>

#include "flows/audit.h"
#include "policy/reset_policy.h"

namespace secinfo::cli {

ResetCommands::ResetCommands(CLI::App* admin, std::string& tenant_domain) {
  set_ = admin->add_subcommand("set-reset", "set a tenant's rules for self-service password reset");
  set_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  set_->add_option("--methods", methods_,
                   "methods to prove to reset a password: 1 or 2 (administrators: always 2)")
      ->check(CLI::Range(1, 2));
  set_->add_option("--notify-admins", notify_admins_,
                   "mail every administrator when an administrator's password is reset: on or off")
      ->check(CLI::IsMember({"on", "off"}));
  set_->add_option("--require-registration", require_registration_,
                   "at sign-in, ask for enough reset methods and a review every N days: on or off")
      ->check(CLI::IsMember({"on", "off"}));
  set_->add_option("--reconfirm-days", reconfirm_days_,
                   "ask people to review their security info every N days (0: never)")
      ->check(CLI::Range(int64_t{0}, policy::kMaxReconfirmDays));
  show_ = admin->add_subcommand("show-reset", "show a tenant's rules for password reset");
  show_->add_option("--tenant", tenant_domain, "tenant domain")->required();
}

void ResetCommands::Print(const store::ResetPolicy& p) {
  std::printf("password reset: %lld method%s (administrators: 2), notify administrators: %s\n",
              static_cast<long long>(p.methods_required), p.methods_required == 1 ? "" : "s",
              p.notify_admins ? "on" : "off");
  std::printf("registration required at sign-in: %s, security info review: %s\n",
              p.require_registration ? "on" : "off",
              p.reconfirm_days > 0 ? ("every " + std::to_string(p.reconfirm_days) + " days").c_str()
                                   : "never");
}

int ResetCommands::RunFor(store::Store& s, const store::Tenant& tenant, const Clock& clock) const {
  auto current = s.password_resets().GetPolicy(tenant.id);
  if (!current.ok()) return Fail("reset rules: " + current.status().ToString());
  if (!set_->parsed()) {
    Print(*current);
    return 0;
  }
  store::ResetPolicy p = *current;
  if (methods_ >= 0) p.methods_required = methods_;
  if (!notify_admins_.empty()) p.notify_admins = notify_admins_ == "on";
  if (reconfirm_days_ >= 0) p.reconfirm_days = reconfirm_days_;
  if (!require_registration_.empty()) p.require_registration = require_registration_ == "on";
  if (Status v = policy::ValidateResetPolicy(p); !v.ok()) return Fail("set-reset: " + v.message());
  if (Status w = s.password_resets().SetPolicy(tenant.id, p); !w.ok()) {
    return Fail("set-reset: " + w.ToString());
  }
  flows::RecordAudit(s, clock,
                     {tenant.id, 0, "", "reset_policy", "", "success",
                      "methods " + std::to_string(p.methods_required) + ", notify admins " +
                          (p.notify_admins ? "on" : "off") + ", registration " +
                          (p.require_registration ? "on" : "off") + ", review every " +
                          std::to_string(p.reconfirm_days) + " days",
                      "admin-cli"});
  std::printf("%s:\n", tenant.domain.c_str());
  Print(p);
  return 0;
}

}  // namespace secinfo::cli
