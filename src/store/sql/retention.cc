// Retention: the statements that delete what no flow reads any more. Kept together so that what
// secinfo keeps, and for how long, reads in one place; the policy (cutoffs) is flows/retention.
#include <initializer_list>

#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

constexpr char kDeleteExpiredSessions[] = "DELETE FROM sessions WHERE expires_at <= :now";
constexpr char kDeleteOldCallAttempts[] = "DELETE FROM call_attempts WHERE created_at < :before";
constexpr char kDeleteExpiredCodeChallenges[] =
    "DELETE FROM code_challenges WHERE expires_at < :before";
constexpr char kDeleteOldTextDeliveries[] =
    "DELETE FROM text_deliveries WHERE created_at < :before";
constexpr char kDeleteExpiredAppEnrolments[] =
    "DELETE FROM app_enrolments WHERE expires_at < :before";
constexpr char kDeleteExpiredPushChallenges[] =
    "DELETE FROM push_challenges WHERE expires_at < :before";
constexpr char kDeleteExpiredPushEnrolTokens[] =
    "DELETE FROM push_enrol_tokens WHERE expires_at < :before";
constexpr char kDeleteOldAuditEntries[] = "DELETE FROM audit_log WHERE at < :before";
constexpr char kDeleteExpiredVerifications[] =
    "DELETE FROM verifications WHERE expires_at < :before";
constexpr char kDeleteExpiredRememberedBrowsers[] =
    "DELETE FROM remembered_browsers WHERE expires_at < :before";
constexpr char kDeleteEndedBlocks[] =
    "DELETE FROM verification_blocks WHERE blocked_until < :before";
// A counter weighs in its own window and, as the previous window, in the next one.
constexpr char kDeleteEndedRateLimits[] =
    "DELETE FROM rate_limits WHERE window_start + 2 * window_millis <= :before";

// Runs each statement with `cutoff` in one transaction; returns the rows they deleted.
Result<int64_t> DeleteRows(Db& db, const char* what, std::initializer_list<const char*> statements,
                           int64_t cutoff) {
  return db.Write(what, [&](soci::session& session) -> Result<int64_t> {
    int64_t deleted = 0;
    for (const char* statement : statements) {
      Query q(session, statement);
      q.Use(cutoff).Run();
      deleted += q.AffectedRows();
    }
    return deleted;
  });
}

}  // namespace

Result<int64_t> SqlSessionStore::DeleteExpired(int64_t now) {
  return DeleteRows(db_, "delete expired sessions", {kDeleteExpiredSessions}, now);
}

Result<int64_t> SqlCallAttemptStore::DeleteCreatedBefore(int64_t before) {
  return DeleteRows(db_, "delete old call attempts", {kDeleteOldCallAttempts}, before);
}

Result<int64_t> SqlCodeChallengeStore::DeleteExpiredBefore(int64_t before) {
  return DeleteRows(db_, "delete expired code challenges", {kDeleteExpiredCodeChallenges}, before);
}

Result<int64_t> SqlTextDeliveryStore::DeleteCreatedBefore(int64_t before) {
  return DeleteRows(db_, "delete old text deliveries", {kDeleteOldTextDeliveries}, before);
}

Result<int64_t> SqlAppEnrolmentStore::DeleteExpiredBefore(int64_t before) {
  return DeleteRows(db_, "delete expired app enrolments", {kDeleteExpiredAppEnrolments}, before);
}

Result<int64_t> SqlPushStore::DeleteExpiredBefore(int64_t before) {
  return DeleteRows(db_, "delete expired push challenges",
                    {kDeleteExpiredPushChallenges, kDeleteExpiredPushEnrolTokens}, before);
}

Result<int64_t> SqlSignInStore::DeleteExpiredBefore(int64_t before) {
  return DeleteRows(
      db_, "delete expired verifications, remembered browsers and blocks",
      {kDeleteExpiredVerifications, kDeleteExpiredRememberedBrowsers, kDeleteEndedBlocks}, before);
}

Result<int64_t> SqlAuditLog::DeleteBefore(int64_t before) {
  return DeleteRows(db_, "delete old audit entries", {kDeleteOldAuditEntries}, before);
}

Result<int64_t> SqlRateLimitStore::DeleteEndedBefore(int64_t before) {
  return DeleteRows(db_, "delete ended rate limits", {kDeleteEndedRateLimits}, before);
}

}  // namespace secinfo::store::sql
