#include "store/sql/db.h"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <sqlite3.h>

#include <condition_variable>
#include <exception>
#include <filesystem>
#include <shared_mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "core/metrics.h"
#include "core/private_files.h"

namespace secinfo::store::sql {
// SOCI includes sqlite3.h inside this namespace.
using sqlite_api::sqlite3;
using sqlite_api::sqlite3_stmt;
namespace {

// How long a call waits for a free session before answering Unavailable. Generous: sessions are
// held only for one call, so a long wait means the database itself is stuck.
constexpr int kLeaseTimeoutMillis = 30'000;

// Run on every SQLite session. busy_timeout comes first so the others wait for a lock held by
// another process instead of failing. temp_store = MEMORY keeps the statement journal (the page
// images a SAVEPOINT may roll back to) in memory: in a file it cost about 40 writes a second step,
// as every write of a unit runs behind a savepoint and a group commit's journal outgrows the 64 KiB
// SQLite keeps in memory otherwise.
constexpr const char* kSqliteSessionSetup[] = {
    "PRAGMA busy_timeout = 5000",
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA temp_store = MEMORY",
};
constexpr char kSqliteJournalModeWal[] = "PRAGMA journal_mode = WAL";

// SQLite checkpoints the write-ahead log into the database once it holds this many pages (SQLite's
// own default, about 4 MiB), here on a thread beside the writers (see Db::Checkpointer).
constexpr int kCheckpointPages = 1000;
// When the log grew this large anyway (the checkpointer cannot keep up), the committing writer
// checkpoints itself, as SQLite would.
constexpr int kWriterCheckpointPages = 16 * kCheckpointPages;
// Units sharing one commit at most (see Db::SqliteWrite): what the first waits for at most.
constexpr int kBatchMembers = 16;
// Statements kept prepared per SQLite session (see Query). The stores use a few hundred texts;
// beyond this a query is prepared for its own use, as on PostgreSQL.
constexpr std::size_t kKeptStatementsPerSession = 512;

// Run on every PostgreSQL session. The stores rely on READ COMMITTED whatever the server's default:
// a compare-and-set UPDATE that finds its row changed by a concurrent commit re-reads it and
// changes nothing, instead of failing as REPEATABLE READ would. NOTICEs ("relation already
// exists, skipping") would otherwise be printed on stderr by libpq.
constexpr const char* kPostgresqlSessionSetup[] = {
    "SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED",
    "SET client_min_messages = warning",
};

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

Status FromMessage(std::string_view what, const std::string& message) {
  std::string msg = std::string(what) + ": " + message;
  // SQLite and PostgreSQL wordings.
  if (Contains(message, "UNIQUE constraint failed") || Contains(message, "duplicate key value")) {
    return Status::AlreadyExists(std::move(msg));
  }
  if (Contains(message, "FOREIGN KEY constraint failed") ||
      Contains(message, "violates foreign key constraint")) {
    return Status::NotFound(std::move(msg));
  }
  if (Contains(message, "database is locked") || Contains(message, "database table is locked") ||
      Contains(message, "unable to open database")) {
    return Status::Unavailable(std::move(msg));
  }
  return Status::Internal(std::move(msg));
}

Status FromSqliteCode(std::string_view what, int code, const std::string& message) {
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
      return Status::Unavailable(std::string(what) + ": " + message);
    default:
      return FromMessage(what, message);
  }
}

// Creates a SQLite file and its folder, private to this account, and returns SOCI's connection
// string for it.
Result<std::string> SqliteConnectString(const std::string& path) {
  if (path.empty() || path == ":memory:") {
    return Status::InvalidArgument(
        "sqlite3 connection must be a file path (every pooled session opens it)");
  }
  if (path.find('"') != std::string::npos) {
    return Status::InvalidArgument("sqlite3 path must not contain '\"': " + path);
  }
  // The database holds password hashes and sessions: its folder 0700, the file 0600, and SQLite
  // gives -wal and -shm the mode of the file.
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) SECINFO_RETURN_IF_ERROR(CreatePrivateDirectories(parent.string()));
  SECINFO_RETURN_IF_ERROR(CreatePrivateFile(path));
  return "db=\"" + path + "\"";
}

// PostgreSQL error classes (SQLSTATE, Appendix A of the PostgreSQL manual).
Status FromSqlState(std::string_view what, const std::string& state, const std::string& message) {
  std::string msg = std::string(what) + ": " + message;
  if (state == "23505") return Status::AlreadyExists(std::move(msg));  // unique_violation
  if (state == "23503") return Status::NotFound(std::move(msg));       // foreign_key_violation
  // Connection exceptions, insufficient resources, operator intervention (shutdown), lock and
  // serialization failures, deadlocks: the same call may succeed later.
  if (state.rfind("08", 0) == 0 || state.rfind("53", 0) == 0 || state.rfind("57", 0) == 0 ||
      state == "40001" || state == "40P01" || state == "55P03") {
    return Status::Unavailable(std::move(msg));
  }
  return FromMessage(what, message);
}

// Process-wide, before the first SQLite connection. SQLite's memory statistics (which nothing here
// reads) take one global mutex on every allocation, shared by every session of every thread: off.
void ConfigureSqliteOnce() {
  static const bool configured = [] {
    // Fails (harmlessly) when SQLite was already initialized, e.g. by a test's own connection.
    sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
}

void PrepareSqliteSession(soci::session& session) {
  for (const char* pragma : kSqliteSessionSetup) session << pragma;
  std::string mode;
  session << kSqliteJournalModeWal, soci::into(mode);
  if (mode != "wal") {
    throw soci::soci_error("journal_mode is \"" + mode + "\", not wal");
  }
}

sqlite3* SqliteHandle(soci::session& session) {
  return static_cast<soci::sqlite3_session_backend*>(session.get_backend())->conn_;
}

void PreparePostgresqlSession(soci::session& session) {
  for (const char* setting : kPostgresqlSessionSetup) session << setting;
}

// Opens every session of `pool` with `open`; a failure to connect is Unavailable.
template <typename OpenFn>
Status OpenSessions(soci::connection_pool& pool, int size, std::string_view what, OpenFn open) {
  try {
    for (int i = 0; i < size; ++i) open(pool.at(static_cast<std::size_t>(i)));
  } catch (...) {
    Status s = StatusFromCurrentException(what);
    if (s.code() == Status::Code::kInternal) return Status::Unavailable(s.message());
    return s;
  }
  return Status::Ok();
}

}  // namespace

Status StatusFromCurrentException(std::string_view what) {
  try {
    throw;
  } catch (const soci::sqlite3_soci_error& e) {
    // get_error_message() leaves out the statement context, which lists the bound values (password
    // hashes, session hashes): those must not reach a log.
    return FromSqliteCode(what, e.result(), e.get_error_message());
  } catch (const soci::postgresql_soci_error& e) {
    // Like SQLite's, PostgreSQL's message names no bound value (a key's value appears only in
    // DETAIL, which SOCI leaves out).
    return FromSqlState(what, e.sqlstate(), e.get_error_message());
  } catch (const soci::soci_error& e) {
    if (e.get_error_category() == soci::soci_error::connection_error) {
      return Status::Unavailable(std::string(what) + ": " + e.get_error_message());
    }
    return FromMessage(what, e.get_error_message());
  } catch (const std::exception& e) {
    return Status::Internal(std::string(what) + ": " + e.what());
  } catch (...) {
    return Status::Internal(std::string(what) + ": unknown exception");
  }
}

// The prepared statements kept on the sessions of SQLite Dbs, found from the session a Query is
// given (the stores' functions receive a session, not its Db). Each session's statements are used
// by the one thread holding that session, so only the registry itself is locked.
class Db::StatementCaches {
 public:
  using Kept = std::unordered_map<std::string, std::unique_ptr<Query::Kept>>;

  StatementCaches() = default;
  StatementCaches(const StatementCaches&) = delete;
  StatementCaches& operator=(const StatementCaches&) = delete;
  // Forgets the sessions and finalizes their statements (before the sessions close).
  ~StatementCaches() {
    std::unique_lock lock(RegistryMutex());
    for (auto& [session, kept] : sessions_) Registry().erase(session);
  }

  // Keeps statements for `session` from now on. REQUIRES: `session` outlives this object.
  void Keep(soci::session& session) {
    auto kept = std::make_unique<Kept>();
    std::unique_lock lock(RegistryMutex());
    Registry()[&session] = kept.get();
    sessions_.emplace_back(&session, std::move(kept));
  }

  // The statement kept for `text` on `session`, now lent to the caller; nullptr when the session
  // keeps none (PostgreSQL), the statement is lent already (a query run inside another's rows),
  // or the session keeps as many as it may.
  static Query::Kept* Lend(soci::session& session, const char* text) {
    Kept* kept = nullptr;
    {
      std::shared_lock lock(RegistryMutex());
      auto it = Registry().find(&session);
      if (it == Registry().end()) return nullptr;
      kept = it->second;
    }
    auto it = kept->find(text);
    if (it == kept->end()) {
      if (kept->size() >= kKeptStatementsPerSession) return nullptr;
      it = kept->emplace(text, std::make_unique<Query::Kept>(session)).first;
    }
    if (it->second->lent) return nullptr;
    it->second->lent = true;
    return it->second.get();
  }

 private:
  static std::shared_mutex& RegistryMutex() {
    static std::shared_mutex mutex;
    return mutex;
  }
  static std::unordered_map<const soci::session*, Kept*>& Registry() {
    static auto* registry = new std::unordered_map<const soci::session*, Kept*>();
    return *registry;
  }

  std::vector<std::pair<const soci::session*, std::unique_ptr<Kept>>> sessions_;
};

// Checkpoints the write-ahead log on a thread of its own, so that a writer never waits for the
// checkpoint's disk flushes: SQLite would run it in the commit that crossed kCheckpointPages,
// holding the one write lock (and sqlite_writer_) meanwhile. Told by the writer session's WAL hook
// after each commit; a PASSIVE checkpoint copies what no reader still needs and never blocks them.
class Db::Checkpointer {
 public:
  static Result<std::unique_ptr<Checkpointer>> Start(const std::string& path, sqlite3* writer) {
    sqlite3* conn = nullptr;
    if (sqlite3_open_v2(path.c_str(), &conn, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      std::string message = conn != nullptr ? sqlite3_errmsg(conn) : "out of memory";
      sqlite3_close(conn);
      return Status::Unavailable("open " + path + " to checkpoint: " + message);
    }
    // A connection checkpoints only once it opened the log, which its first read does.
    if (sqlite3_exec(conn, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) !=
        SQLITE_OK) {
      std::string message = sqlite3_errmsg(conn);
      sqlite3_close(conn);
      return Status::Unavailable("read " + path + " to checkpoint: " + message);
    }
    std::unique_ptr<Checkpointer> checkpointer(new Checkpointer(conn));
    // Replaces SQLite's automatic checkpoint on this session (itself a WAL hook).
    sqlite3_wal_hook(writer, &Checkpointer::OnCommit, checkpointer.get());
    checkpointer->writer_ = writer;
    checkpointer->thread_ = std::thread([c = checkpointer.get()] { c->Run(); });
    return checkpointer;
  }

  ~Checkpointer() {
    sqlite3_wal_hook(writer_, nullptr, nullptr);
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    sqlite3_close(conn_);
  }

 private:
  explicit Checkpointer(sqlite3* conn) : conn_(conn) {}

  // Called by the writer session after each commit (so on one thread at a time) with the pages
  // the log holds. While readers keep using it the log cannot start over and only grows: a
  // checkpoint is asked for each kCheckpointPages it grew, not after every commit.
  static int OnCommit(void* self, sqlite3* db, const char* name, int pages) {
    auto* checkpointer = static_cast<Checkpointer*>(self);
    if (pages < checkpointer->asked_at_pages_) checkpointer->asked_at_pages_ = 0;  // started over
    if (pages >= kWriterCheckpointPages) {
      sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    } else if (pages >= checkpointer->asked_at_pages_ + kCheckpointPages) {
      checkpointer->asked_at_pages_ = pages;
      {
        std::lock_guard lock(checkpointer->mutex_);
        checkpointer->wanted_ = true;
      }
      checkpointer->wake_.notify_one();
    }
    return SQLITE_OK;
  }

  void Run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return wanted_ || stopping_; });
      if (stopping_) return;
      wanted_ = false;
      lock.unlock();
      // SQLITE_BUSY (another process checkpointing) is fine: the next commit asks again.
      sqlite3_wal_checkpoint_v2(conn_, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      lock.lock();
    }
  }

  sqlite3* conn_;
  sqlite3* writer_ = nullptr;
  int asked_at_pages_ = 0;  // the log's size when a checkpoint was last asked for (OnCommit only)
  std::mutex mutex_;
  std::condition_variable wake_;
  bool wanted_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

Result<std::unique_ptr<Db>> Db::Open(const SqlStoreOptions& options) {
  if (options.pool_size < 1) {
    return Status::InvalidArgument("pool_size must be at least 1");
  }
  auto size = static_cast<std::size_t>(options.pool_size);
  if (options.backend == "sqlite3") {
    ConfigureSqliteOnce();
    Result<std::string> connect = SqliteConnectString(options.connection);
    if (!connect.ok()) return connect.status();
    auto open = [&](soci::session& session) {
      session.open(*soci::factory_sqlite3(), *connect);
      PrepareSqliteSession(session);
    };
    auto pool = std::make_unique<soci::connection_pool>(size);
    SECINFO_RETURN_IF_ERROR(OpenSessions(*pool, options.pool_size, "open " + options.connection,
                                         [&](soci::session& session) { open(session); }));
    auto writer = std::make_unique<soci::session>();
    try {
      open(*writer);
    } catch (...) {
      return Status::Unavailable(
          StatusFromCurrentException("open " + options.connection).message());
    }
    std::unique_ptr<Db> db(new Db(Dialect::kSqlite, std::move(pool), options.pool_size));
    db->statement_caches_ = std::make_unique<StatementCaches>();
    for (int i = 0; i < options.pool_size; ++i) {
      db->statement_caches_->Keep(db->pool_->at(static_cast<std::size_t>(i)));
    }
    db->statement_caches_->Keep(*writer);
    Result<std::unique_ptr<Checkpointer>> checkpointer =
        Checkpointer::Start(options.connection, SqliteHandle(*writer));
    if (!checkpointer.ok()) return checkpointer.status();
    db->checkpointer_ = std::move(*checkpointer);
    db->sqlite_writer_session_ = std::move(writer);
    return db;
  }
  if (options.backend == "postgresql") {
    if (options.connection.empty()) {
      return Status::InvalidArgument(
          "postgresql connection must name the database, e.g. \"host=db.example port=5432 "
          "dbname=secinfo user=secinfo\" or \"postgresql://secinfo@db.example/secinfo\"");
    }
    auto pool = std::make_unique<soci::connection_pool>(size);
    // The connection string may hold a password: it is never part of a message.
    SECINFO_RETURN_IF_ERROR(OpenSessions(
        *pool, options.pool_size, "open postgresql database", [&](soci::session& session) {
          session.open(*soci::factory_postgresql(), options.connection);
          PreparePostgresqlSession(session);
        }));
    return std::unique_ptr<Db>(new Db(Dialect::kPostgresql, std::move(pool), options.pool_size));
  }
  return Status::InvalidArgument("database backend \"" + options.backend +
                                 "\" is not supported; use \"sqlite3\" or \"postgresql\"");
}

Db::Db(Dialect dialect, std::unique_ptr<soci::connection_pool> pool, int pool_size)
    : dialect_(dialect), pool_(std::move(pool)), pool_size_(pool_size) {
  metrics::DbPoolSize().Add({}, pool_size_);
}

Db::~Db() { metrics::DbPoolSize().Add({}, -pool_size_); }

Status Db::Begin(soci::session& session, std::string_view what) {
  // Nothing ran yet when BEGIN fails: on a reconnected session it is tried again once.
  for (int attempt = 0;; ++attempt) {
    try {
      Execute(session, BeginWriteStatement());
      return Status::Ok();
    } catch (...) {
      Status s = StatusFromCurrentException(what);
      if (attempt > 0 || !Reconnected(session)) return s;
    }
  }
}

Status Db::Unit(std::string_view what, const std::function<Status()>& fn) {
  if (OpenUnit* unit = Joined()) return Nested(*unit, what, fn);
  if (dialect_ == Dialect::kSqlite) return SqliteWrite(what, /*unit=*/true, fn);
  Lease lease(*pool_);
  if (!lease.ok()) return LeaseTimeout(what);
  soci::session& session = lease.session();
  SECINFO_RETURN_IF_ERROR(Begin(session, what));
  if (Status s = RunOpen(session, what, fn); !s.ok()) {
    RollbackQuietly(session);
    return s;
  }
  try {
    Execute(session, "COMMIT");
    CountCommit();
    return Status::Ok();
  } catch (...) {
    Status failed = StatusFromCurrentException(what);
    RollbackQuietly(session);
    Reconnected(session);
    return failed;
  }
}

void Db::CountCommit() {
  metrics::DbCommits().Add({});
  metrics::DbWrites().Add({});
}

struct Db::Batch {
  int members = 0;
  int kept = 0;   // members whose writes are to be committed
  Status result;  // of its COMMIT, written before `ended` is set
  std::atomic<bool> ended = false;
};

Status Db::SqliteWrite(std::string_view what, bool unit, const std::function<Status()>& fn) {
  if (unit) ++sqlite_units_waiting_;
  std::unique_lock<std::mutex> writer(sqlite_writer_);
  if (unit) --sqlite_units_waiting_;
  metrics::DbPoolInUse().Add({}, 1);
  metrics::DbPoolLeases().Add({});
  struct InUse {
    ~InUse() { metrics::DbPoolInUse().Add({}, -1); }
  } in_use;
  soci::session& session = *sqlite_writer_session_;
  if (sqlite_batch_ == nullptr) {
    SECINFO_RETURN_IF_ERROR(Begin(session, what));
    sqlite_batch_ = std::make_shared<Batch>();
  }
  std::shared_ptr<Batch> batch = sqlite_batch_;
  ++batch->members;
  bool broken = false;
  Status s = RunMember(what, fn, &broken);
  if (s.ok()) ++batch->kept;
  if (!broken && unit && sqlite_units_waiting_.load() > 0 && batch->members < kBatchMembers) {
    if (!s.ok()) return s;  // undone; the transaction goes on for the units waiting
    // Waits for the commit without the writer's mutex: the next unit runs meanwhile, and the
    // commit wakes its members without their queueing for the mutex again only to leave.
    writer.unlock();
    batch->ended.wait(false);
    return batch->result;
  }
  // The last member: ends the transaction for every member.
  Status ended;
  if (broken) {
    RollbackQuietly(session);
    ended = Status::Unavailable(std::string(what) + ": the transaction ended before its commit");
  } else {
    try {
      Execute(session, "COMMIT");
      metrics::DbCommits().Add({});
      metrics::DbWrites().Add({}, batch->kept);
    } catch (...) {
      ended = StatusFromCurrentException(what);
      RollbackQuietly(session);
    }
  }
  batch->result = ended;
  sqlite_batch_ = nullptr;
  batch->ended.store(true);
  batch->ended.notify_all();
  return s.ok() ? ended : s;
}

Status Db::RunMember(std::string_view what, const std::function<Status()>& fn, bool* broken) {
  soci::session& session = *sqlite_writer_session_;
  try {
    Execute(session, "SAVEPOINT member");
  } catch (...) {
    *broken = true;
    return StatusFromCurrentException(what);
  }
  Status s = RunOpen(session, what, fn);
  // SQLite rolls a whole transaction back by itself after some errors (a full disk, an I/O error):
  // then there is no savepoint left to release, and nothing of the batch to commit.
  if (sqlite3_get_autocommit(SqliteHandle(session)) != 0) {
    *broken = true;
    return s.ok() ? Status::Unavailable(std::string(what) + ": the transaction was rolled back")
                  : s;
  }
  try {
    if (!s.ok()) Execute(session, "ROLLBACK TO SAVEPOINT member");
    Execute(session, "RELEASE SAVEPOINT member");
  } catch (...) {
    *broken = true;
    if (s.ok()) s = StatusFromCurrentException(what);
  }
  return s;
}

Status Db::RunOpen(soci::session& session, std::string_view what,
                   const std::function<Status()>& fn) {
  OpenUnit unit{this, &session, Status::Ok()};
  OpenUnit* const outer = open_unit_;  // a unit of another Db stays open around this one
  open_unit_ = &unit;
  Status s;
  try {
    s = fn();
  } catch (...) {
    s = StatusFromCurrentException(what);
  }
  open_unit_ = outer;
  if (s.ok() && !unit.failure.ok()) s = unit.failure;
  return s;
}

Status Db::Nested(OpenUnit& unit, std::string_view what, const std::function<Status()>& fn) {
  // Its own savepoint, so a nested unit that fails keeps nothing of itself either.
  const std::string savepoint = "unit_" + std::to_string(++unit.depth);
  Status s;
  try {
    Execute(*unit.session, ("SAVEPOINT " + savepoint).c_str());
    s = fn();
    if (!s.ok()) Execute(*unit.session, ("ROLLBACK TO SAVEPOINT " + savepoint).c_str());
  } catch (...) {
    s = StatusFromCurrentException(what);
    unit.failure = s;
  }
  --unit.depth;
  return s;
}

const char* Db::BeginWriteStatement() const {
  return dialect_ == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN";
}

bool Db::Reconnected(soci::session& session) {
  if (dialect_ != Dialect::kPostgresql || session.is_connected()) return false;
  try {
    session.reconnect();
    PreparePostgresqlSession(session);
    return true;
  } catch (...) {
    return false;  // still unreachable: the next call tries again
  }
}

void Db::RollbackQuietly(soci::session& session) {
  try {
    Execute(session, "ROLLBACK");
  } catch (...) {
    // Nothing was left open (e.g. BEGIN itself failed): the session is clean.
  }
}

Status Db::LeaseTimeout(std::string_view what) {
  return Status::Unavailable(std::string(what) + ": no free database session");
}

Db::Lease::Lease(soci::connection_pool& pool) : pool_(pool) {
  ok_ = pool_.try_lease(pos_, kLeaseTimeoutMillis);
  if (ok_) {
    metrics::DbPoolInUse().Add({}, 1);
    metrics::DbPoolLeases().Add({});
  }
}

Db::Lease::~Lease() {
  if (!ok_) return;
  pool_.give_back(pos_);
  metrics::DbPoolInUse().Add({}, -1);
}

Query::Query(soci::session& session, const char* text)
    : kept_(Db::StatementCaches::Lend(session, text)), text_(text) {
  if (kept_ != nullptr) {
    st_ = &kept_->statement;
  } else {
    own_.emplace(session);
    st_ = &*own_;
  }
}

Query::~Query() {
  if (kept_ == nullptr) return;
  // Ends the statement's run (an unfinished SELECT would hold its read transaction open) and
  // forgets this query's variables, which are about to go.
  st_->bind_clean_up();
  if (sqlite3_stmt* stmt =
          static_cast<soci::sqlite3_statement_backend*>(st_->get_backend())->stmt_) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
  }
  kept_->lent = false;
}

bool Query::Run() {
  if (kept_ == nullptr || !kept_->prepared) {
    st_->alloc();
    // A one-time query runs on PostgreSQL in one round trip (no named prepared statement to
    // create and deallocate). SQLite prepares either kind the same way.
    st_->prepare(text_, kept_ != nullptr ? soci::details::st_repeatable_query
                                         : soci::details::st_one_time_query);
    if (kept_ != nullptr) kept_->prepared = true;
  }
  st_->define_and_bind();
  return st_->execute(true);
}

void Execute(soci::session& session, const char* text) { Query(session, text).Run(); }

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

Result<std::string> FromHex(std::string_view hex) {
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return Status::InvalidArgument("odd-length hexadecimal");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = value(hex[2 * i]), lo = value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Status::InvalidArgument("not hexadecimal");
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : "\n") + item;
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace secinfo::store::sql
