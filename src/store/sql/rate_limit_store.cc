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

Status SqlRateLimitStore::Reset(std::string_view key) {
  return db_.Write("rate limit reset", [&](soci::session& session) {
    std::string k(key);
    Query(session, kReset).Use(k).Run();
    return Status::Ok();
  });
}

}  // namespace secinfo::store::sql
