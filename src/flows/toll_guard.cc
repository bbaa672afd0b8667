#include "flows/toll_guard.h"

#include <algorithm>
#include <vector>

#include "flows/audit.h"
#include "flows/limits.h"

namespace secinfo::flows {
namespace {

constexpr int64_t kHourMillis = 3600 * 1000;

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

TollVerdict TollGuard::Allow(const TollRequest& r, std::span<const Cap> own) {
  auto rules = store_.tenants().GetTollFraudPolicy(r.tenant_id);
  if (!rules.ok()) return TollVerdict::kUnavailable;
  phone::ParseOutcome parsed = phone::Parse(r.e164, "");
  if (!parsed.ok()) return Refuse(r, TollVerdict::kNumberTypeRefused, "not a valid number");
  const phone::ParsedNumber& n = parsed.number();
  if (!rules->countries.empty() && !Contains(rules->countries, n.region)) {
    return Refuse(r, TollVerdict::kCountryNotAllowed, "country " + n.region + " not allowed");
  }
  const std::string type = phone::NumberTypeName(n.type);
  if (Contains(rules->refused_types, type)) {
    return Refuse(r, TollVerdict::kNumberTypeRefused, "number type " + type + " refused");
  }

  const int64_t now = clock_.NowMillis();
  const std::string tenant = std::to_string(r.tenant_id);
  std::vector<flows::Cap> caps;
  for (const Cap& c : own) caps.push_back({c.key, c.per_hour, kHourMillis});
  caps.push_back({"toll:user:" + std::to_string(r.user_id), rules->per_user_hour, kHourMillis});
  caps.push_back(
      {"toll:ip:" + tenant + ":" + ClientNetworkKey(r.client_ip), rules->per_ip_hour, kHourMillis});
  caps.push_back({"toll:tenant:" + tenant, rules->per_tenant_hour, kHourMillis});
  caps.push_back({"toll:country:" + tenant + ":" + n.region, rules->per_country_hour, kHourMillis});
  // A refused call costs nothing: the caps it counted against are given back.
  Result<size_t> full = ReserveAll(store_.rate_limits(), caps, now);
  if (!full.ok()) return TollVerdict::kUnavailable;
  if (*full < caps.size()) {
    return Refuse(r, TollVerdict::kTooMany, "hourly cap reached: " + caps[*full].key);
  }
  return TollVerdict::kAllowed;
}

TollVerdict TollGuard::Refuse(const TollRequest& r, TollVerdict v, const std::string& why) {
  RecordAudit(store_, clock_,
              {r.tenant_id, r.user_id, r.client_ip, "toll_fraud", r.channel, "refused",
               why + "; to " + r.e164});
  return v;
}

}  // namespace secinfo::flows
