#include <limits>

#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

// Sliding-window counters (see RateLimitStore in store.h). A row holds the fixed window it counts
// in (window_start, window_millis), its count, and the count of the window before it
// (previous_count). Every write is one statement that reads the row as it is under the row lock
// (UPSERT: SQLite >= 3.35 and PostgreSQL), so parallel callers on any node see each other's counts.
//
// For a call at `now`, excluded.window_start is the start of the fixed window containing `now`. The
// stored row is then, from the call's point of view:
// - the current window (stored start >= it: the same window, or a later one written by a node whose
//   clock runs ahead, counted as the same so that a skewed clock never empties a counter);
// - the previous window (stored start within one window before): its count becomes previous_count;
// - older: it counts nothing any more.
#define SECINFO_STORED_IS_CURRENT "rate_limits.window_start >= excluded.window_start"
#define SECINFO_STORED_IS_PREVIOUS \
  "rate_limits.window_start >= excluded.window_start - excluded.window_millis"
// The counts of the current and previous windows as seen from `now`.
#define SECINFO_CURRENT_COUNT \
  "(CASE WHEN " SECINFO_STORED_IS_CURRENT " THEN rate_limits.count ELSE 0 END)"
#define SECINFO_PREVIOUS_COUNT            \
  "(CASE WHEN " SECINFO_STORED_IS_CURRENT \
  " THEN rate_limits.previous_count"      \
  " WHEN " SECINFO_STORED_IS_PREVIOUS " THEN rate_limits.count ELSE 0 END)"
// Counts one event in the current window as seen from `now`, keeping the previous one.
#define SECINFO_COUNT_ONE                                                             \
  "INSERT INTO rate_limits (key, window_start, window_millis, count, previous_count)" \
  " VALUES (:key, :window_start, :window_millis, 1, 0)"                               \
  " ON CONFLICT (key) DO UPDATE SET"                                                  \
  " count = " SECINFO_CURRENT_COUNT                                                   \
  " + 1,"                                                                             \
  " previous_count = " SECINFO_PREVIOUS_COUNT                                         \
  ","                                                                                 \
  " window_start = CASE WHEN " SECINFO_STORED_IS_CURRENT                              \
  " THEN rate_limits.window_start ELSE excluded.window_start END,"                    \
  " window_millis = excluded.window_millis"

constexpr char kHit[] = SECINFO_COUNT_ONE
    " RETURNING (count * :window_millis_2 + previous_count * :remaining) / :window_millis_3";
// Like kHit, but the row is only written when the estimate before this event is below the limit:
//   current + previous * remaining / window < limit, multiplied out by window to stay in integers.
// The statement changes no row when the limit is reached (UPSERT ... WHERE). A new key is always
// counted: Reserve refuses limits below 1 before asking.
constexpr char kReserve[] = SECINFO_COUNT_ONE " WHERE " SECINFO_CURRENT_COUNT
                                              " * excluded.window_millis + " SECINFO_PREVIOUS_COUNT
                                              " * :remaining < :budget";
#undef SECINFO_COUNT_ONE
#undef SECINFO_PREVIOUS_COUNT
#undef SECINFO_CURRENT_COUNT
#undef SECINFO_STORED_IS_PREVIOUS
#undef SECINFO_STORED_IS_CURRENT

// Takes one event back from the window it was counted in (:window_start, the start of the window
// containing the reservation's `now`): the stored current window when the row has not moved past
// it, its previous window when the row has moved on by one window.
constexpr char kRelease[] =
    "UPDATE rate_limits SET"
    " count = CASE WHEN window_start <= :window_start AND count > 0"
    " THEN count - 1 ELSE count END,"
    " previous_count = CASE WHEN window_start > :window_start_2 AND previous_count > 0"
    " THEN previous_count - 1 ELSE previous_count END"
    " WHERE key = :key AND window_start >= :earliest AND window_start <= :latest";
constexpr char kPeek[] =
    "SELECT window_start, count, previous_count FROM rate_limits WHERE key = :key";
constexpr char kReset[] = "DELETE FROM rate_limits WHERE key = :key";

// Where `now` falls: the fixed window containing it, and how much of the window before still lies
// inside the sliding window (now - window, now].
struct Position {
  int64_t window_start = 0;
  int64_t window_millis = 0;
  int64_t remaining =
      0;  // in (0, window_millis]: the previous window's weight, times window_millis
};

Result<Position> PositionOf(int64_t now, int64_t window_millis) {
  if (window_millis <= 0) return Status::InvalidArgument("rate limit window must be positive");
  int64_t offset = now % window_millis;
  if (offset < 0) offset += window_millis;
  return Position{now - offset, window_millis, window_millis - offset};
}

// The estimate at `p` of a stored row, rounded down: what kHit returns and kReserve compares.
int64_t Estimate(const Position& p, int64_t stored_start, int64_t count, int64_t previous_count) {
  int64_t current = 0;
  int64_t previous = 0;
  if (stored_start >= p.window_start) {
    current = count;
    previous = previous_count;
  } else if (stored_start >= p.window_start - p.window_millis) {
    previous = count;
  }
  return (current * p.window_millis + previous * p.remaining) / p.window_millis;
}

// limit * window_millis, the limit in kReserve's units; saturated, as a limit may be "any number".
int64_t Budget(int64_t limit, int64_t window_millis) {
  int64_t budget = 0;
  if (__builtin_mul_overflow(limit, window_millis, &budget)) {
    return std::numeric_limits<int64_t>::max();
  }
  return budget;
}

}  // namespace

Result<int64_t> SqlRateLimitStore::Hit(std::string_view key, int64_t now, int64_t window_millis) {
  Result<Position> p = PositionOf(now, window_millis);
  if (!p.ok()) return p.status();
  return db_.Write("rate limit hit", [&](soci::session& session) -> Result<int64_t> {
    std::string k(key);
    int64_t estimate = 0;
    Query(session, kHit)
        .Use(k)
        .Use(p->window_start)
        .Use(p->window_millis)
        .Use(p->window_millis)
        .Use(p->remaining)
        .Use(p->window_millis)
        .Into(estimate)
        .Run();
    return estimate;
  });
}

Result<int64_t> SqlRateLimitStore::Peek(std::string_view key, int64_t now, int64_t window_millis) {
  Result<Position> p = PositionOf(now, window_millis);
  if (!p.ok()) return p.status();
  return db_.Read("rate limit peek", [&](soci::session& session) -> Result<int64_t> {
    std::string k(key);
    int64_t stored_start = 0;
    int64_t count = 0;
    int64_t previous_count = 0;
    if (!Query(session, kPeek).Into(stored_start).Into(count).Into(previous_count).Use(k).Run()) {
      return int64_t{0};
    }
    return Estimate(*p, stored_start, count, previous_count);
  });
}

Result<bool> SqlRateLimitStore::Reserve(std::string_view key, int64_t now, int64_t window_millis,
                                        int64_t limit) {
  Result<Position> p = PositionOf(now, window_millis);
  if (!p.ok()) return p.status();
  if (limit <= 0) return false;
  const int64_t budget = Budget(limit, window_millis);
  return db_.Write("rate limit reserve", [&](soci::session& session) -> Result<bool> {
    std::string k(key);
    Query q(session, kReserve);
    q.Use(k).Use(p->window_start).Use(p->window_millis).Use(p->remaining).Use(budget).Run();
    return q.AffectedRows() > 0;
  });
}

Status SqlRateLimitStore::Release(std::string_view key, int64_t now, int64_t window_millis) {
  Result<Position> p = PositionOf(now, window_millis);
  if (!p.ok()) return p.status();
  const int64_t earliest = p->window_start - window_millis;
  const int64_t latest = p->window_start + window_millis;
  return db_.Write("rate limit release", [&](soci::session& session) {
    std::string k(key);
    Query(session, kRelease)
        .Use(p->window_start)
        .Use(p->window_start)
        .Use(k)
        .Use(earliest)
        .Use(latest)
        .Run();
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
