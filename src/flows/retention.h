#pragma once

#include <cstdint>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace secinfo::flows {

// How long secinfo keeps what it no longer needs (GDPR storage limitation; ASVS 4.0 V8.3.8:
// sensitive data subject to a retention classification, deleted when no longer needed).
struct RetentionOptions {
  // Audit entries older than this are deleted ([security] audit_retention_days).
  int64_t audit_retention_millis = int64_t{365} * 24 * 3'600'000;
  // Challenges and counters outlive their expiry by this, so that a page open at the last moment
  // still finds its challenge (a rate-limit counter's expiry is when it stops weighing: the end of
  // the window after its own).
  int64_t grace_millis = int64_t{24} * 3'600'000;
};

// What one purge deleted.
struct PurgeCounts {
  int64_t sessions = 0;
  int64_t call_attempts = 0;
  int64_t code_challenges = 0;
  int64_t text_deliveries = 0;  // texts of code challenges and their receipts
  int64_t app_enrolments = 0;
  int64_t push = 0;     // push challenges and enrolment links
  int64_t sign_in = 0;  // sign-in verifications, remembered browsers, ended blocks
  int64_t rate_limits = 0;
  int64_t oidc = 0;  // OpenID Connect codes and tokens
  int64_t audit_entries = 0;
  int64_t password_resets = 0;
};

// Deletes what no flow will read again: sessions expired at now; call attempts, code challenges,
// texts and their receipts,
// app enrolments, push challenges and enrolment links, sign-in verifications, remembered browsers
// and fraud blocks past their expiry plus the grace period;
// rate-limit counters that stopped weighing before now - grace; audit entries past
// retention. Safe to run on several nodes at once. Returns the first error the store gives, the
// earlier deletions staying done.
Result<PurgeCounts> Purge(store::Store& store, const Clock& clock, const RetentionOptions& options);

// Purge, with one log line saying what was deleted (or why it failed). For a periodic task.
void PurgeAndLog(store::Store& store, const Clock& clock, const RetentionOptions& options);

}  // namespace secinfo::flows
