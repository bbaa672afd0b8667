#include "flows/retention.h"

#include <spdlog/spdlog.h>

namespace secinfo::flows {

Result<PurgeCounts> Purge(store::Store& store, const Clock& clock,
                          const RetentionOptions& options) {
  const int64_t now = clock.NowMillis();
  const int64_t expired_before = now - options.grace_millis;
  PurgeCounts n;
  auto take = [](Result<int64_t> deleted, int64_t& into) -> Status {
    if (!deleted.ok()) return deleted.status();
    into = *deleted;
    return Status::Ok();
  };
  SECINFO_RETURN_IF_ERROR(take(store.sessions().DeleteExpired(now), n.sessions));
  SECINFO_RETURN_IF_ERROR(
      take(store.call_attempts().DeleteCreatedBefore(expired_before), n.call_attempts));
  SECINFO_RETURN_IF_ERROR(
      take(store.code_challenges().DeleteExpiredBefore(expired_before), n.code_challenges));
  SECINFO_RETURN_IF_ERROR(
      take(store.text_deliveries().DeleteCreatedBefore(expired_before), n.text_deliveries));
  SECINFO_RETURN_IF_ERROR(
      take(store.app_enrolments().DeleteExpiredBefore(expired_before), n.app_enrolments));
  SECINFO_RETURN_IF_ERROR(take(store.push().DeleteExpiredBefore(expired_before), n.push));
  SECINFO_RETURN_IF_ERROR(take(store.sign_in().DeleteExpiredBefore(expired_before), n.sign_in));
  SECINFO_RETURN_IF_ERROR(
      take(store.rate_limits().DeleteEndedBefore(expired_before), n.rate_limits));
  SECINFO_RETURN_IF_ERROR(take(store.oidc().DeleteExpiredBefore(expired_before), n.oidc));
  SECINFO_RETURN_IF_ERROR(
      take(store.password_resets().DeleteExpiredBefore(expired_before), n.password_resets));
  SECINFO_RETURN_IF_ERROR(
      take(store.audit().DeleteBefore(now - options.audit_retention_millis), n.audit_entries));
  return n;
}

void PurgeAndLog(store::Store& store, const Clock& clock, const RetentionOptions& options) {
  Result<PurgeCounts> n = Purge(store, clock, options);
  if (!n.ok()) {
    spdlog::warn("purge: {}", n.status().ToString());
    return;
  }
  spdlog::info(
      "purge: deleted {} sessions, {} call attempts, {} code challenges, {} texts and receipts, {} "
      "app enrolments, {} "
      "push "
      "challenges and links, {} sign-in verifications, remembered browsers and ended blocks, {} "
      "rate-limit counters, {} OpenID Connect codes and tokens, {} password resets, {} audit "
      "entries",
      n->sessions, n->call_attempts, n->code_challenges, n->text_deliveries, n->app_enrolments,
      n->push, n->sign_in, n->rate_limits, n->oidc, n->password_resets, n->audit_entries);
}

}  // namespace secinfo::flows
