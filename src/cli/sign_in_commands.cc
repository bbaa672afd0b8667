#include "cli/sign_in_commands.h"

#include <cstdio>
#include <ctime>

#include "flows/audit.h"
#include "policy/sign_in_policy.h"

namespace secinfo::cli {
namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ", ") + i;
  return out.empty() ? "(none)" : out;
}

std::string UtcTime(int64_t millis) {
  std::time_t t = static_cast<std::time_t>(millis / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

void AuditAdmin(store::Store& s, const Clock& clock, const store::Tenant& tenant, int64_t user_id,
                std::string action, std::string detail) {
  flows::RecordAudit(
      s, clock,
      {tenant.id, user_id, "", std::move(action), "", "success", std::move(detail), "admin-cli"});
}

}  // namespace

SignInCommands::SignInCommands(CLI::App* admin, std::string& tenant_domain) {
  set_ = admin->add_subcommand("set-sign-in", "set a tenant's rules for signing in");
  set_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  set_->add_option("--mfa", mfa_, "two-step verification: off, all or listed")
      ->check(CLI::IsMember({"off", "all", "listed"}));
  set_->add_option("--users", users_,
                   "with --mfa listed: user names, and 'admins' for every administrator")
      ->delimiter(',');
  set_->add_option("--remember-days", remember_days_,
                   "days a browser may skip the second step (0: never offered)")
      ->check(CLI::Range(0, 365));
  set_->add_option("--skips", skips_, "times a person may skip registering a method (0: never)")
      ->check(CLI::Range(0, 50));
  set_->add_option("--fraud-alert", fraud_alert_, "0# and 'It's not me' report fraud: on or off")
      ->check(CLI::IsMember({"on", "off"}));
  set_->add_option("--fraud-block", fraud_block_,
                   "a confirmed report blocks the person's verification: on or off")
      ->check(CLI::IsMember({"on", "off"}));
  set_->add_option("--notify", notify_, "addresses told of every fraud report")->delimiter(',');
  set_->add_flag("--no-notify", clear_notify_, "tell nobody of fraud reports");
  show_ = admin->add_subcommand("show-sign-in", "show a tenant's rules for signing in");
  show_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  blocked_ = admin->add_subcommand("list-blocked",
                                   "list people whose two-step verification is blocked or locked");
  blocked_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  unblock_ = admin->add_subcommand("unblock", "lift a person's block or lockout");
  unblock_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  unblock_->add_option("--user", user_, "the person's user name")->required();
  unblock_->add_option("--reason", reason_, "why (kept in the audit log)")->required();
}

void SignInCommands::Print(const store::SignInPolicy& p) {
  std::printf("two-step verification: %s%s\n", p.mfa.c_str(),
              p.mfa == "listed" ? (" (" + Join(p.mfa_listed) + ")").c_str() : "");
  std::printf("remember browsers: %s\n",
              p.remember_days > 0 ? (std::to_string(p.remember_days) + " days").c_str() : "off");
  std::printf("registration skips allowed: %lld\n", static_cast<long long>(p.max_skips));
  std::printf("fraud alert: %s, block on report: %s, notify: %s\n", p.fraud_alert ? "on" : "off",
              p.fraud_block ? "on" : "off", Join(p.notify).c_str());
}

int SignInCommands::RunFor(store::Store& s, const store::Tenant& tenant, const Clock& clock) const {
  if (set_->parsed()) return Set(s, tenant, clock);
  if (blocked_->parsed()) return ListBlocked(s, tenant, clock);
  if (unblock_->parsed()) return Unblock(s, tenant, clock);
  auto p = s.sign_in().GetPolicy(tenant.id);
  if (!p.ok()) return Fail("show-sign-in: " + p.status().ToString());
  Print(*p);
  return 0;
}

int SignInCommands::Set(store::Store& s, const store::Tenant& tenant, const Clock& clock) const {
  auto current = s.sign_in().GetPolicy(tenant.id);
  if (!current.ok()) return Fail("set-sign-in: " + current.status().ToString());
  store::SignInPolicy p = *current;
  if (!mfa_.empty()) p.mfa = mfa_;
  if (!users_.empty()) p.mfa_listed = users_;
  if (remember_days_ >= 0) p.remember_days = remember_days_;
  if (skips_ >= 0) p.max_skips = skips_;
  if (!fraud_alert_.empty()) p.fraud_alert = fraud_alert_ == "on";
  if (!fraud_block_.empty()) p.fraud_block = fraud_block_ == "on";
  if (!notify_.empty()) p.notify = notify_;
  if (clear_notify_) p.notify.clear();
  if (Status v = policy::ValidateSignInPolicy(p); !v.ok()) {
    return Fail("set-sign-in: " + v.message());
  }
  if (Status w = s.sign_in().SetPolicy(tenant.id, p); !w.ok()) {
    return Fail("set-sign-in: " + w.ToString());
  }
  AuditAdmin(s, clock, tenant, 0, "sign_in_policy",
             "mfa " + p.mfa + ", remember " + std::to_string(p.remember_days) + " days, skips " +
                 std::to_string(p.max_skips) + ", fraud alert " + (p.fraud_alert ? "on" : "off") +
                 ", block " + (p.fraud_block ? "on" : "off"));
  std::printf("%s:\n", tenant.domain.c_str());
  Print(p);
  return 0;
}

int SignInCommands::ListBlocked(store::Store& s, const store::Tenant& tenant,
                                const Clock& clock) const {
  const int64_t now = clock.NowMillis();
  auto blocks = s.sign_in().ListBlocks(tenant.id, now);
  auto users = s.users().ListForTenant(tenant.id);
  if (!blocks.ok() || !users.ok()) return Fail("list-blocked: the database cannot be read");
  int shown = 0;
  for (const store::VerificationBlock& b : *blocks) {
    std::printf("%s  blocked %s until %s  (%s: %s)\n", b.username.c_str(),
                UtcTime(b.blocked_at).c_str(), UtcTime(b.until).c_str(), b.reason.c_str(),
                b.detail.c_str());
    ++shown;
  }
  for (const store::User& u : *users) {
    auto f = s.sign_in().GetFailures(u.id);
    if (!f.ok() || f->failures == 0) continue;
    if (f->locked_until > now) {
      std::printf("%s  locked until %s after %lld failed verifications\n", u.username.c_str(),
                  UtcTime(f->locked_until).c_str(), static_cast<long long>(f->failures));
      ++shown;
    } else if (f->failures >= 100) {
      std::printf("%s  locked until an administrator unblocks (%lld failed verifications)\n",
                  u.username.c_str(), static_cast<long long>(f->failures));
      ++shown;
    }
  }
  if (shown == 0) std::printf("nobody is blocked or locked in %s\n", tenant.domain.c_str());
  return 0;
}

int SignInCommands::Unblock(store::Store& s, const store::Tenant& tenant,
                            const Clock& clock) const {
  auto user = s.users().FindByUsername(user_);
  if (!user.ok() || user->tenant_id != tenant.id) {
    return Fail("unblock: no user " + user_ + " in " + tenant.domain);
  }
  if (reason_.find_first_not_of(" \t") == std::string::npos) {
    return Fail("unblock: give a reason (--reason)");
  }
  Status st = s.sign_in().Unblock(user->id);
  if (st.code() == Status::Code::kNotFound) {
    return Fail("unblock: " + user_ + " is neither blocked nor locked");
  }
  if (!st.ok()) return Fail("unblock: " + st.ToString());
  AuditAdmin(s, clock, tenant, user->id, "unblock", reason_);
  std::printf("%s can verify again\n", user_.c_str());
  return 0;
}

}  // namespace secinfo::cli
