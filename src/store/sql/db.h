#pragma once

#include <soci/soci.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "store/sql/sql_store.h"

// Internals of the SQL store: the connection pool, transactions, statements and the mapping of SOCI
// exceptions to Status. Nothing here is used outside src/store/sql/.
namespace secinfo::store::sql {

enum class Dialect { kSqlite, kPostgresql };

// The status for the exception being handled. REQUIRES: called inside a catch block.
// Unique-key clashes → AlreadyExists, missing referenced row → NotFound, busy/locked or unreachable
// database → Unavailable, anything else → Internal. `what` names the operation for the log.
Status StatusFromCurrentException(std::string_view what);

// Runs one statement without values or results ("COMMIT", "SAVEPOINT x"), kept like a Query's.
void Execute(soci::session& session, const char* text);

// A pool of database sessions. Thread-safe: every Read/Write leases one session for its duration
// (soci::connection_pool guards the leases), so calls on different threads never share a session.
class Db {
 public:
  // Validates the options and opens `options.pool_size` sessions (at least 1).
  static Result<std::unique_ptr<Db>> Open(const SqlStoreOptions& options);
  ~Db();

  Dialect dialect() const { return dialect_; }

  // Runs fn(session) in autocommit mode and returns what it returns (a Status or a Result<T>).
  // An exception thrown by SOCI becomes the returned Status.
  // Inside a Unit on this thread: runs on the unit's session, in its transaction.
  template <typename Fn>
  auto Read(std::string_view what, Fn&& fn) -> std::invoke_result_t<Fn&, soci::session&> {
    using R = std::invoke_result_t<Fn&, soci::session&>;
    if (OpenUnit* unit = Joined()) {
      try {
        return fn(*unit->session);
      } catch (...) {
        // On PostgreSQL the failed statement aborted the transaction: the unit cannot commit.
        unit->failure = StatusFromCurrentException(what);
        return R(unit->failure);
      }
    }
    Lease lease(*pool_);
    if (!lease.ok()) return R(LeaseTimeout(what));
    // A read is tried again once on a session that had lost its server and was reconnected.
    for (int attempt = 0;; ++attempt) {
      try {
        return fn(lease.session());
      } catch (...) {
        Status s = StatusFromCurrentException(what);
        if (attempt > 0 || !Reconnected(lease.session())) return R(std::move(s));
      }
    }
  }

  // Runs fn(session) inside a write transaction: committed when fn returns OK, rolled back when it
  // returns an error or throws. On SQLite the transaction starts with BEGIN IMMEDIATE, taking the
  // write lock up front: a deferred transaction that reads and then writes cannot wait for the lock
  // (SQLITE_BUSY on upgrade is not retried), while BEGIN IMMEDIATE waits up to busy_timeout.
  // Inside a Unit on this thread: runs in the unit's transaction behind a savepoint, so a write
  // that fails keeps nothing of itself while the unit goes on.
  // REQUIRES: fn does not call Read/Write (it would wait for a second session).
  template <typename Fn>
  auto Write(std::string_view what, Fn&& fn) -> std::invoke_result_t<Fn&, soci::session&> {
    using R = std::invoke_result_t<Fn&, soci::session&>;
    if (OpenUnit* unit = Joined()) return WriteInUnit(*unit, what, fn);
    if (dialect_ == Dialect::kSqlite) {
      // A member of the writer session's transaction that never waits for others (see
      // SqliteWrite), so a caller holding a lock of its own never waits on another's work.
      std::optional<R> r;
      Status s = SqliteWrite(what, /*unit=*/false, [&]() -> Status {
        r.emplace(WriteInUnit(*Joined(), what, fn));
        if constexpr (std::is_same_v<R, Status>) {
          return *r;
        } else {
          return r->status();
        }
      });
      if (r.has_value() && !r->ok()) return std::move(*r);  // fn's own refusal
      if (!s.ok()) return R(std::move(s));                  // the commit failed
      return std::move(*r);
    }
    Lease lease(*pool_);
    if (!lease.ok()) return R(LeaseTimeout(what));
    soci::session& session = lease.session();
    if (Status begun = Begin(session, what); !begun.ok()) return R(std::move(begun));
    try {
      R r = fn(session);
      if (r.ok()) {
        Execute(session, "COMMIT");
        CountCommit();
      } else {
        RollbackQuietly(session);
      }
      return r;
    } catch (...) {
      Status s = StatusFromCurrentException(what);
      RollbackQuietly(session);
      // Whether it committed is unknown when the server went away: not tried again, but the
      // session is reconnected for the next call.
      Reconnected(session);
      return R(std::move(s));
    }
  }

  // Units of work waiting for SQLite's writer session right now (see SqliteWrite); 0 on
  // PostgreSQL.
  int units_waiting() const { return sqlite_units_waiting_.load(); }

  // Runs fn() as one unit of work: every Read and Write this thread makes on this Db meanwhile
  // runs on one session inside ONE write transaction, committed when fn returns OK and rolled back
  // when it returns an error. Returns fn's status, or why the unit could not begin or commit (then
  // nothing of it was kept): a caller answers only after this returned OK. A Read that failed
  // inside makes the unit fail (PostgreSQL aborts the transaction at a failed statement). Called
  // inside a unit of this Db, fn joins it behind a savepoint: when it fails, what it
  // wrote is undone and the outer unit goes on. Other threads' calls are not part of the unit.
  Status Unit(std::string_view what, const std::function<Status()>& fn);

 private:
  friend class Query;  // finds the statements a session keeps (StatementCaches)

  // The unit of work open on this thread, if any (Unit sets it; Read and Write join it).
  struct OpenUnit {
    const Db* db = nullptr;
    soci::session* session = nullptr;
    Status failure;  // a failed Read: the unit must not commit
    int depth = 0;   // units nested in this one, each behind its savepoint
  };
  static inline thread_local OpenUnit* open_unit_ = nullptr;

  OpenUnit* Joined() const {
    return open_unit_ != nullptr && open_unit_->db == this ? open_unit_ : nullptr;
  }

  template <typename Fn>
  auto WriteInUnit(OpenUnit& unit, std::string_view what, Fn& fn)
      -> std::invoke_result_t<Fn&, soci::session&> {
    using R = std::invoke_result_t<Fn&, soci::session&>;
    soci::session& session = *unit.session;
    // Not released on success: savepoints end with the transaction, and a RELEASE would cost
    // PostgreSQL a round trip per write.
    try {
      Execute(session, "SAVEPOINT unit_write");
    } catch (...) {
      unit.failure = StatusFromCurrentException(what);
      return R(unit.failure);
    }
    try {
      R r = fn(session);
      if (!r.ok()) Execute(session, "ROLLBACK TO SAVEPOINT unit_write");
      return r;
    } catch (...) {
      Status s = StatusFromCurrentException(what);
      try {
        Execute(session, "ROLLBACK TO SAVEPOINT unit_write");
      } catch (...) {
        unit.failure = s;
      }
      return R(std::move(s));
    }
  }

  // One leased session of the pool, given back on destruction.
  class Lease {
   public:
    explicit Lease(soci::connection_pool& pool);
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    bool ok() const { return ok_; }
    soci::session& session() { return pool_.at(pos_); }

   private:
    soci::connection_pool& pool_;
    std::size_t pos_ = 0;
    bool ok_ = false;
  };

  // SQLite has one writer at a time. Every Write and Unit of this process runs on one session of
  // its own (sqlite_writer_session_), taken in turn on sqlite_writer_: each is woken as soon as
  // the one before is done, instead of polling the file lock in SQLite's busy handler (which
  // sleeps 1, 2, 5, 10... ms between tries); other processes still meet busy_timeout. One session
  // for every write also keeps its page cache and prepared statements warm: in WAL mode a
  // connection drops its whole cache when another connection of the file committed since.
  //
  // Group commit: a unit done while other units wait for the writer leaves the transaction open
  // for them, behind its own savepoint (released: kept; rolled back to: undone), and waits for the
  // commit that ends it; the last member, when no unit waits or the batch is full, commits for
  // all. Every caller still returns only after the commit holding its writes (or with why that
  // commit failed: then nothing of the batch was kept). A plain Write (unit = false) joins an
  // open transaction but always ends it: it never waits on another caller's work, since its caller
  // may hold a lock of its own.
  Status SqliteWrite(std::string_view what, bool unit, const std::function<Status()>& fn);
  static void CountCommit();  // one commit of one write (PostgreSQL)
  // Runs fn as one member of the writer session's open transaction. Sets *broken when the
  // transaction itself cannot go on (SQLite ended it after an I/O error, or a savepoint failed).
  Status RunMember(std::string_view what, const std::function<Status()>& fn, bool* broken);
  struct Batch;  // the writer session's open transaction and who waits for its commit
  // Runs fn with `session`'s open transaction as this thread's unit (Read and Write join it);
  // fn's status, or the failure of a Read inside (which must keep the transaction from committing).
  Status RunOpen(soci::session& session, std::string_view what, const std::function<Status()>& fn);
  // A unit called inside `unit`: runs fn behind a savepoint, rolled back to when fn fails.
  Status Nested(OpenUnit& unit, std::string_view what, const std::function<Status()>& fn);
  // Begins a write transaction on a leased session, trying once more on a reconnected one.
  Status Begin(soci::session& session, std::string_view what);

  class Checkpointer;
  class StatementCaches;

  Db(Dialect dialect, std::unique_ptr<soci::connection_pool> pool, int pool_size);
  const char* BeginWriteStatement() const;
  static void RollbackQuietly(soci::session& session);
  // After a failed statement: on PostgreSQL, when the session lost its server (restarted, or a
  // connection ended by an administrator), reconnects it and returns true. Without this a pooled
  // session would fail every call until the node restarts.
  bool Reconnected(soci::session& session);
  static Status LeaseTimeout(std::string_view what);

  Dialect dialect_;
  std::unique_ptr<soci::connection_pool> pool_;
  int pool_size_;  // counted in secinfo_db_pool_sessions while this Db lives
  // SQLite only (see SqliteWrite): the one session every write of this process runs on, taken in
  // turn on sqlite_writer_, its open transaction, the units waiting for it; the thread that
  // checkpoints the write-ahead log beside the writers; the prepared statements kept per session
  // (see Query). Declared after pool_: destroyed first.
  std::mutex sqlite_writer_;
  std::unique_ptr<soci::session> sqlite_writer_session_;
  std::shared_ptr<Batch> sqlite_batch_;  // guarded by sqlite_writer_
  std::atomic<int> sqlite_units_waiting_{0};
  std::unique_ptr<StatementCaches> statement_caches_;
  std::unique_ptr<Checkpointer> checkpointer_;
};

// One SQL statement with bound values: add Into (result columns) and Use (placeholders) in order,
// then Run. Values are bound by position, so each placeholder name appears once in a query (SQLite
// would bind a repeated name once, PostgreSQL once per occurrence). Bound variables must outlive
// the Query: bind named variables, not temporaries, unless Run is in the same expression.
// On a session of a SQLite Db the statement is prepared once per session and text, kept, and reset
// when the Query ends (parsing and planning cost more than running most of these statements); on
// PostgreSQL it runs as a one-time query (one round trip, no named prepared statement).
class Query {
 public:
  Query(soci::session& session, const char* text);
  ~Query();
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  template <typename T>
  Query& Into(T& v) {
    st_->exchange(soci::into(v));
    return *this;
  }
  template <typename T>
  Query& Into(T& v, soci::indicator& ind) {
    st_->exchange(soci::into(v, ind));
    return *this;
  }
  template <typename T>
  Query& Use(const T& v) {
    st_->exchange(soci::use(v));
    return *this;
  }
  template <typename T>
  Query& Use(const T& v, soci::indicator& ind) {
    st_->exchange(soci::use(v, ind));
    return *this;
  }

  // Executes the statement; true when a first row was fetched into the Into variables.
  bool Run();
  // Fetches the next row; false after the last one.
  bool Next() { return st_->fetch(); }
  // Rows changed by an INSERT, UPDATE or DELETE.
  int64_t AffectedRows() { return st_->get_affected_rows(); }

  // A statement kept prepared on one SQLite session, lent to one Query at a time.
  struct Kept {
    explicit Kept(soci::session& session) : statement(session) {}
    soci::statement statement;
    bool prepared = false;
    bool lent = false;
  };

 private:
  std::optional<soci::statement> own_;  // PostgreSQL, or when the kept one is lent already
  Kept* kept_ = nullptr;
  soci::statement* st_;
  const char* text_;
};

// Bytes as lower-case hexadecimal, and back: how a bytea travels to and from PostgreSQL (where
// soci::blob is a large object, not a bytea). FromHex: InvalidArgument on an odd length or a
// character that is not a lower-case hexadecimal digit.
std::string ToHex(std::string_view bytes);
Result<std::string> FromHex(std::string_view hex);

// Lists kept in one TEXT column, one item a line (items never hold a line break).
std::string JoinLines(const std::vector<std::string>& items);
std::vector<std::string> SplitLines(const std::string& text);

// A nullable BIGINT on its way into a statement (std::optional is not a SOCI 4.0 type).
struct NullableInt {
  explicit NullableInt(const std::optional<int64_t>& v)
      : value(v.value_or(0)), ind(v ? soci::i_ok : soci::i_null) {}
  int64_t value;
  soci::indicator ind;
};

// A nullable BIGINT on its way out of a statement.
struct NullableIntColumn {
  int64_t value = 0;
  soci::indicator ind = soci::i_null;
  std::optional<int64_t> get() const {
    return ind == soci::i_ok ? std::optional<int64_t>(value) : std::nullopt;
  }
};

}  // namespace secinfo::store::sql
