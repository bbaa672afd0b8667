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

TollVerdict TollGuard::Allow(const TollRequest& r) {
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
  const std::pair<std::string, int64_t> caps[] = {
      {"toll:user:" + std::to_string(r.user_id), rules->per_user_hour},
      {"toll:ip:" + tenant + ":" + AddressKey(r.client_ip), rules->per_ip_hour},
      {"toll:tenant:" + tenant, rules->per_tenant_hour},
      {"toll:country:" + tenant + ":" + n.region, rules->per_country_hour},
  };
  auto& limits = store_.rate_limits();
  for (size_t i = 0; i < std::size(caps); ++i) {
    auto reserved = limits.Reserve(caps[i].first, now, kHourMillis, caps[i].second);
    if (reserved.ok() && *reserved) continue;
    // A refused call costs nothing: the caps it counted against are given back.
    for (size_t j = 0; j < i; ++j) limits.Release(caps[j].first, now, kHourMillis);
    if (!reserved.ok()) return TollVerdict::kUnavailable;
    return Refuse(r, TollVerdict::kTooMany, "hourly cap reached: " + caps[i].first);
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
