#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

// One atomic statement: a new key starts at 1, a key whose stored window is not the current one
// restarts at 1, otherwise the count goes up by one. (UPSERT and RETURNING: SQLite >= 3.35, and
// PostgreSQL.)
constexpr char kHit[] =
    "INSERT INTO rate_limits (key, window_start, count) VALUES (:key, :window_start, 1)"
    " ON CONFLICT (key) DO UPDATE SET"
    " count = CASE WHEN rate_limits.window_start = excluded.window_start"
    " THEN rate_limits.count + 1 ELSE 1 END,"
    " window_start = excluded.window_start"
    " RETURNING count";
// Like kHit, but the row is only written when the window is new or its count is under the limit;
// the statement changes no row when the limit is reached (UPSERT ... WHERE).
constexpr char kReserve[] =
    "INSERT INTO rate_limits (key, window_start, count) VALUES (:key, :window_start, 1)"
    " ON CONFLICT (key) DO UPDATE SET"
    " count = CASE WHEN rate_limits.window_start = excluded.window_start"
    " THEN rate_limits.count + 1 ELSE 1 END,"
    " window_start = excluded.window_start"
    " WHERE rate_limits.window_start <> excluded.window_start OR rate_limits.count < :limit";
constexpr char kRelease[] =
    "UPDATE rate_limits SET count = count - 1"
    " WHERE key = :key AND window_start = :window_start AND count > 0";
constexpr char kPeek[] = "SELECT window_start, count FROM rate_limits WHERE key = :key";
constexpr char kReset[] = "DELETE FROM rate_limits WHERE key = :key";

// The start of the fixed window containing `now`.
Result<int64_t> WindowStart(int64_t now, int64_t window_millis) {
  if (window_millis <= 0) return Status::InvalidArgument("rate limit window must be positive");
  int64_t offset = now % window_millis;
  if (offset < 0) offset += window_millis;
  return now - offset;
}

}  // namespace

Result<int64_t> SqlRateLimitStore::Hit(std::string_view key, int64_t now, int64_t window_millis) {
  Result<int64_t> window_start = WindowStart(now, window_millis);
  if (!window_start.ok()) return window_start.status();
  return db_.Write("rate limit hit", [&](soci::session& session) -> Result<int64_t> {
    std::string k(key);
    int64_t count = 0;
    Query(session, kHit).Use(k).Use(*window_start).Into(count).Run();
    return count;
  });
}

Result<int64_t> SqlRateLimitStore::Peek(std::string_view key, int64_t now, int64_t window_millis) {
  Result<int64_t> window_start = WindowStart(now, window_millis);
  if (!window_start.ok()) return window_start.status();
  return db_.Read("rate limit peek", [&](soci::session& session) -> Result<int64_t> {
    std::string k(key);
    int64_t stored_start = 0;
    int64_t count = 0;
    if (!Query(session, kPeek).Into(stored_start).Into(count).Use(k).Run()) return int64_t{0};
    return stored_start == *window_start ? count : 0;
  });
}

Result<bool> SqlRateLimitStore::Reserve(std::string_view key, int64_t now, int64_t window_millis,
                                        int64_t limit) {
  Result<int64_t> window_start = WindowStart(now, window_millis);
  if (!window_start.ok()) return window_start.status();
  if (limit <= 0) return false;
  return db_.Write("rate limit reserve", [&](soci::session& session) -> Result<bool> {
    std::string k(key);
    Query q(session, kReserve);
    q.Use(k).Use(*window_start).Use(limit).Run();
    return q.AffectedRows() > 0;
  });
}

Status SqlRateLimitStore::Release(std::string_view key, int64_t now, int64_t window_millis) {
  Result<int64_t> window_start = WindowStart(now, window_millis);
  if (!window_start.ok()) return window_start.status();
  return db_.Write("rate limit release", [&](soci::session& session) {
    std::string k(key);
    Query(session, kRelease).Use(k).Use(*window_start).Run();
    return Status::Ok();
  });
}

Status SqlRateLimitStore::Reset(std::string_view key) {
  return db_.Write("rate limit reset", [&](soci::session& session) {
    std::string k(key);
    Query(session, kReset).Use(k).Run();
    return Status::Ok();
  });
}

}  // namespace secinfo::store::sql
