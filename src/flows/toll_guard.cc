#include "flows/toll_guard.h"

#include <arpa/inet.h>

#include <algorithm>
#include <vector>

#include "flows/audit.h"

namespace secinfo::flows {
namespace {

constexpr int64_t kHourMillis = 3600 * 1000;

bool Contains(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

std::string TollGuard::AddressKey(std::string_view ip) {
  in6_addr v6{};
  std::string text(ip);
  if (inet_pton(AF_INET6, text.c_str(), &v6) != 1) return text;
  std::fill(std::begin(v6.s6_addr) + 8, std::end(v6.s6_addr), 0);
  char buf[INET6_ADDRSTRLEN];
  return inet_ntop(AF_INET6, &v6, buf, sizeof buf) ? std::string(buf) + "/64" : text;
}

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
  std::vector<Cap> caps(own.begin(), own.end());
  caps.push_back({"toll:user:" + std::to_string(r.user_id), rules->per_user_hour});
  caps.push_back({"toll:ip:" + tenant + ":" + AddressKey(r.client_ip), rules->per_ip_hour});
  caps.push_back({"toll:tenant:" + tenant, rules->per_tenant_hour});
  caps.push_back({"toll:country:" + tenant + ":" + n.region, rules->per_country_hour});
  auto& limits = store_.rate_limits();
  for (size_t i = 0; i < caps.size(); ++i) {
    auto reserved = limits.Reserve(caps[i].key, now, kHourMillis, caps[i].per_hour);
    if (reserved.ok() && *reserved) continue;
    // A refused call costs nothing: the caps it counted against are given back.
    for (size_t j = 0; j < i; ++j) limits.Release(caps[j].key, now, kHourMillis);
    if (!reserved.ok()) return TollVerdict::kUnavailable;
    return Refuse(r, TollVerdict::kTooMany, "hourly cap reached: " + caps[i].key);
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
