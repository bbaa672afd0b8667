#pragma once

#include <span>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "phone/number.h"
#include "store/store.h"

namespace secinfo::flows {

// Why a call or text to a number is not placed.
enum class TollVerdict {
  kAllowed,
  kCountryNotAllowed,  // the tenant does not call or text that country
  kNumberTypeRefused,  // premium rate, shared cost, ...: numbers toll fraud aims at
  kTooMany,            // an hourly cap (person, address, tenant, country) is reached
  kUnavailable,        // the store could not be reached
};

// What a call or text is for, who asked, and where it goes.
struct TollRequest {
  int64_t tenant_id = 0;
  int64_t user_id = 0;
  std::string client_ip;
  std::string channel;  // "call" or "sms": in the audit entry
  std::string e164;
};

// Guards every call and text secinfo pays for against toll fraud and SMS pumping, per the
// tenant's rules (store::TollFraudPolicy): destination country and number type first, then hourly
// caps per person, per client address (IPv6 by /64), per tenant and per destination country, each
// reserved before the call or text (store::RateLimitStore::Reserve), so parallel requests on any
// number of nodes cannot exceed them. Every refusal is in the audit log with its reason.
// Thread-safe.
class TollGuard {
 public:
  TollGuard(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // One more hourly cap of the caller's own (per called number, per person...), reserved with the
  // tenant's caps.
  struct Cap {
    std::string key;
    int64_t per_hour = 0;
  };

  // Counts the call or text against `own` caps and the tenant's when allowed. All or nothing: a
  // call refused by one cap is counted by none, so a refusal never uses up anybody's quota.
  TollVerdict Allow(const TollRequest& request, std::span<const Cap> own = {});

 private:
  TollVerdict Refuse(const TollRequest& r, TollVerdict v, const std::string& why);

  store::Store& store_;
  const Clock& clock_;
};

}  // namespace secinfo::flows
