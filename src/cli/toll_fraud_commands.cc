#include "cli/toll_fraud_commands.h"

#include <cstdio>

#include "flows/audit.h"
#include "phone/number.h"
#include "phone/regions.h"

namespace secinfo::cli {
namespace {

std::string Join(const std::vector<std::string>& items, const char* none) {
  std::string out;
  for (const std::string& i : items) out += (out.empty() ? "" : ",") + i;
  return out.empty() ? none : out;
}

}  // namespace

TollFraudCommands::TollFraudCommands(CLI::App* admin, std::string& tenant_domain) {
  set_ = admin->add_subcommand("set-toll-fraud",
                               "set where a tenant's calls and texts may go, and how many");
  set_->add_option("--tenant", tenant_domain, "tenant domain")->required();
  set_->add_option("--countries", countries_, "ISO regions calls and texts may reach (FR,BE)")
      ->delimiter(',');
  set_->add_flag("--all-countries", all_countries_, "every country");
  set_->add_option("--refuse", refuse_,
                   "number types refused: premium_rate,shared_cost,uan,voicemail,pager,"
                   "personal_number,toll_free,voip (or none)")
      ->delimiter(',');
  set_->add_option("--per-user", per_user_, "calls and texts per person and hour")
      ->check(CLI::Range(1, 100000));
  set_->add_option("--per-ip", per_ip_, "per client address (IPv6: /64) and hour")
      ->check(CLI::Range(1, 100000));
  set_->add_option("--per-tenant", per_tenant_, "for the whole tenant per hour")
      ->check(CLI::Range(1, 10000000));
  set_->add_option("--per-country", per_country_, "to one country per hour")
      ->check(CLI::Range(1, 10000000));
}

void TollFraudCommands::Print(const store::TollFraudPolicy& p) {
  std::printf("calls and texts to: %s\n", Join(p.countries, "every country").c_str());
  std::printf("number types refused: %s\n", Join(p.refused_types, "none").c_str());
  std::printf("hourly caps: %lld per person, %lld per address, %lld per tenant, %lld per country\n",
              static_cast<long long>(p.per_user_hour), static_cast<long long>(p.per_ip_hour),
              static_cast<long long>(p.per_tenant_hour),
              static_cast<long long>(p.per_country_hour));
}

int TollFraudCommands::RunFor(store::Store& s, const store::Tenant& tenant,
                              const Clock& clock) const {
  auto current = s.tenants().GetTollFraudPolicy(tenant.id);
  if (!current.ok()) return Fail("set-toll-fraud: " + current.status().ToString());
  store::TollFraudPolicy p = *current;
  if (all_countries_) p.countries.clear();
  if (!countries_.empty()) {
    for (const std::string& c : countries_) {
      if (!phone::IsSupportedRegion(c)) return Fail("set-toll-fraud: unknown region " + c);
    }
    p.countries = countries_;
  }
  if (!refuse_.empty()) {
    p.refused_types.clear();
    for (const std::string& t : refuse_) {
      if (t == "none") continue;
      if (!phone::ParseNumberType(t)) return Fail("set-toll-fraud: unknown number type " + t);
      p.refused_types.push_back(t);
    }
  }
  if (per_user_ > 0) p.per_user_hour = per_user_;
  if (per_ip_ > 0) p.per_ip_hour = per_ip_;
  if (per_tenant_ > 0) p.per_tenant_hour = per_tenant_;
  if (per_country_ > 0) p.per_country_hour = per_country_;
  if (Status st = s.tenants().SetTollFraudPolicy(tenant.id, p); !st.ok()) {
    return Fail("set-toll-fraud: " + st.ToString());
  }
  flows::RecordAudit(
      s, clock,
      {tenant.id, 0, "", "toll_fraud_policy", "", "success",
       "countries " + Join(p.countries, "all") + "; refused " + Join(p.refused_types, "none"),
       "admin-cli"});
  std::printf("%s:\n", tenant.domain.c_str());
  Print(p);
  return 0;
}

}  // namespace secinfo::cli
