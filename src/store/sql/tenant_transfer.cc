// `secinfo admin export` / `import`: a tenant's rows as JSON lines, from one database to another
// (SQLite to PostgreSQL, or back). Rows keep their ids, so everything that refers to them (a
// method's default, an answer's question, an audit entry's user) still holds.
#include <algorithm>
#include <istream>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <set>
#include <utility>

#include "store/sql/db.h"
#include "store/sql/migrations.h"
#include "store/sql/sql_store.h"

namespace secinfo::store {
namespace {

using sql::Db;
using sql::Dialect;
using sql::Query;
using Json = nlohmann::json;

// 2: methods keep their kind's fields as one record (data) and their keys in method_keys. An
// export of format 1 has the columns of before and is refused (its schema is older anyway).
constexpr int kFormat = 2;

#define SECINFO_OF_TENANT(table) "SELECT * FROM " table " WHERE tenant_id = :tenant_id"
#define SECINFO_TENANT_USERS "SELECT id FROM users WHERE tenant_id = :tenant_id"

// What belongs to a tenant, in an order that inserts every row after the rows it refers to.
// Left out: rate-limit counters, locked reset paths and used poll signatures (short-lived, keyed
// by name, not by tenant), the simulated phone network's calls and messages, and the OpenID
// Connect signing keys (the server's, not a tenant's: the new database makes its own, and
// applications fetch them from the JWKS).
struct Table {
  const char* name;
  const char* select;  // its rows of the tenant :tenant_id
};
constexpr Table kTables[] = {
    {"tenants", "SELECT * FROM tenants WHERE id = :tenant_id"},
    {"tenant_method_switches", SECINFO_OF_TENANT("tenant_method_switches")},
    {"tenant_question_settings", SECINFO_OF_TENANT("tenant_question_settings")},
    {"tenant_custom_questions", SECINFO_OF_TENANT("tenant_custom_questions")},
    {"tenant_greetings", nullptr},  // the audio column differs: kSelectGreetings*
    {"tenant_sign_in_policy", SECINFO_OF_TENANT("tenant_sign_in_policy")},
    {"tenant_toll_fraud", SECINFO_OF_TENANT("tenant_toll_fraud")},
    {"tenant_banned_words", SECINFO_OF_TENANT("tenant_banned_words")},
    {"tenant_reset_policy", SECINFO_OF_TENANT("tenant_reset_policy")},
    {"oidc_clients", SECINFO_OF_TENANT("oidc_clients")},
    {"users", SECINFO_OF_TENANT("users")},
    {"methods", "SELECT * FROM methods WHERE user_id IN (" SECINFO_TENANT_USERS ")"},
    {"method_keys", "SELECT * FROM method_keys WHERE user_id IN (" SECINFO_TENANT_USERS ")"},
    {"question_answers",
     "SELECT * FROM question_answers WHERE method_id IN (SELECT id FROM methods WHERE user_id IN"
     " (" SECINFO_TENANT_USERS "))"},
    {"sessions", SECINFO_OF_TENANT("sessions")},
    {"remembered_browsers", SECINFO_OF_TENANT("remembered_browsers")},
    {"verification_failures",
     "SELECT * FROM verification_failures WHERE user_id IN (" SECINFO_TENANT_USERS ")"},
    {"verification_blocks", SECINFO_OF_TENANT("verification_blocks")},
    {"verifications", SECINFO_OF_TENANT("verifications")},
    {"call_attempts", SECINFO_OF_TENANT("call_attempts")},
    {"code_challenges", SECINFO_OF_TENANT("code_challenges")},
    {"text_deliveries", SECINFO_OF_TENANT("text_deliveries")},
    {"app_enrolments", SECINFO_OF_TENANT("app_enrolments")},
    {"push_enrol_tokens", SECINFO_OF_TENANT("push_enrol_tokens")},
    {"push_challenges", SECINFO_OF_TENANT("push_challenges")},
    {"password_resets", SECINFO_OF_TENANT("password_resets")},
    {"security_info_reviews",
     "SELECT * FROM security_info_reviews WHERE user_id IN (" SECINFO_TENANT_USERS ")"},
    {"oidc_codes", SECINFO_OF_TENANT("oidc_codes")},
    {"oidc_tokens", SECINFO_OF_TENANT("oidc_tokens")},
    {"oidc_consents", "SELECT * FROM oidc_consents WHERE user_id IN (" SECINFO_TENANT_USERS ")"},
    {"audit_log", SECINFO_OF_TENANT("audit_log")},
};
#undef SECINFO_OF_TENANT
#undef SECINFO_TENANT_USERS

// Greetings' audio travels as lower-case hexadecimal.
#define SECINFO_SELECT_GREETINGS(AUDIO)                      \
  "SELECT tenant_id, locale, " AUDIO                         \
  " AS audio, duration_ms, created_at FROM tenant_greetings" \
  " WHERE tenant_id = :tenant_id"
constexpr char kSelectGreetingsSqlite[] = SECINFO_SELECT_GREETINGS("lower(hex(audio))");
constexpr char kSelectGreetingsPostgresql[] = SECINFO_SELECT_GREETINGS("encode(audio, 'hex')");
#undef SECINFO_SELECT_GREETINGS
#define SECINFO_INSERT_GREETING(AUDIO)                                               \
  "INSERT INTO tenant_greetings (tenant_id, locale, audio, duration_ms, created_at)" \
  " VALUES (:tenant_id, :locale, " AUDIO ", :duration_ms, :created_at)"
constexpr char kInsertGreetingSqlite[] = SECINFO_INSERT_GREETING(":audio");
constexpr char kInsertGreetingPostgresql[] = SECINFO_INSERT_GREETING("decode(:audio, 'hex')");
#undef SECINFO_INSERT_GREETING

constexpr char kFindTenant[] = "SELECT id FROM tenants WHERE domain = :domain";
constexpr char kLastMigration[] = "SELECT MAX(version) FROM schema_migrations";
// The columns a table has, to check an imported row's names against (they become SQL).
constexpr char kColumnsSqlite[] = "SELECT name FROM pragma_table_info(:table_name)";
constexpr char kColumnsPostgresql[] =
    "SELECT column_name FROM information_schema.columns"
    " WHERE table_schema = current_schema() AND table_name = :table_name";
// A person's default method refers to a method inserted after the person: set once both exist.
constexpr char kSetDefaultMethod[] =
    "UPDATE users SET default_method_id = :method_id WHERE id = :id";
// PostgreSQL's identity columns do not move past ids inserted explicitly (SQLite's AUTOINCREMENT
// does): move them, or the next row created would take an imported id.
constexpr const char* kMoveIdentitiesPostgresql[] = {
    "SELECT setval(pg_get_serial_sequence('tenants', 'id'),"
    " (SELECT COALESCE(MAX(id), 0) + 1 FROM tenants), false)",
    "SELECT setval(pg_get_serial_sequence('tenant_custom_questions', 'id'),"
    " (SELECT COALESCE(MAX(id), 0) + 1 FROM tenant_custom_questions), false)",
    "SELECT setval(pg_get_serial_sequence('users', 'id'),"
    " (SELECT COALESCE(MAX(id), 0) + 1 FROM users), false)",
    "SELECT setval(pg_get_serial_sequence('methods', 'id'),"
    " (SELECT COALESCE(MAX(id), 0) + 1 FROM methods), false)",
    "SELECT setval(pg_get_serial_sequence('audit_log', 'id'),"
    " (SELECT COALESCE(MAX(id), 0) + 1 FROM audit_log), false)",
};

Json ColumnValue(const soci::row& row, std::size_t i) {
  if (row.get_indicator(i) == soci::i_null) return nullptr;
  switch (row.get_properties(i).get_data_type()) {
    case soci::dt_integer:
      return row.get<int>(i);
    case soci::dt_long_long:
      return row.get<long long>(i);
    case soci::dt_unsigned_long_long:
      return row.get<unsigned long long>(i);
    case soci::dt_double:
      return row.get<double>(i);
    default:
      return row.get<std::string>(i);
  }
}

Result<std::string> LastMigration(soci::session& session) {
  std::string version;
  soci::indicator ind = soci::i_null;
  Query(session, kLastMigration).Into(version, ind).Run();
  if (ind != soci::i_ok) return Status::FailedPrecondition("the database is not migrated");
  return version;
}

Result<std::unique_ptr<Db>> OpenDb(const SqlStoreOptions& options) {
  SqlStoreOptions one = options;
  one.pool_size = 1;
  Result<std::unique_ptr<Db>> db = Db::Open(one);
  if (!db.ok()) return db.status();
  Result<std::vector<std::string>> applied =
      sql::ApplyPendingMigrations(**db, sql::EmbeddedMigrations((*db)->dialect()));
  if (!applied.ok()) return applied.status();
  return db;
}

Result<std::set<std::string>> ColumnsOf(soci::session& session, Dialect dialect,
                                        const std::string& table) {
  std::set<std::string> out;
  std::string column;
  Query q(session, dialect == Dialect::kSqlite ? kColumnsSqlite : kColumnsPostgresql);
  q.Into(column).Use(table);
  for (bool more = q.Run(); more; more = q.Next()) out.insert(column);
  return out;
}

// Inserts one exported row. Its names must all be columns of `table` (from kTables, never from
// the file): only then do they become part of the statement.
Status InsertRow(soci::session& session, const std::string& table,
                 const std::set<std::string>& columns, const Json& row) {
  std::string names, values;
  std::vector<std::string> texts;
  std::vector<long long> numbers;
  std::vector<std::pair<char, std::size_t>> order;  // 's' text, 'n' number, '0' null
  texts.reserve(row.size());
  numbers.reserve(row.size());
  for (const auto& [name, value] : row.items()) {
    if (!columns.count(name)) {
      return Status::InvalidArgument("import: " + table + " has no column \"" + name + "\"");
    }
    names += (names.empty() ? "" : ", ") + name;
    values += (values.empty() ? ":" : ", :") + name;
    if (value.is_null()) {
      order.emplace_back('0', 0);
    } else if (value.is_number_integer()) {
      numbers.push_back(value.get<long long>());
      order.emplace_back('n', numbers.size() - 1);
    } else if (value.is_string()) {
      texts.push_back(value.get<std::string>());
      order.emplace_back('s', texts.size() - 1);
    } else {
      return Status::InvalidArgument("import: " + table + "." + name +
                                     " is neither text nor a "
                                     "whole number");
    }
  }
  std::string statement = "INSERT INTO " + table + " (" + names + ") VALUES (" + values + ")";
  Query q(session, statement.c_str());
  std::vector<soci::indicator> nulls(order.size(), soci::i_null);
  std::string unused;
  for (std::size_t i = 0; i < order.size(); ++i) {
    switch (order[i].first) {
      case 'n':
        q.Use(numbers[order[i].second]);
        break;
      case 's':
        q.Use(texts[order[i].second]);
        break;
      default:
        q.Use(unused, nulls[i]);
    }
  }
  q.Run();
  return Status::Ok();
}

Status InsertGreeting(soci::session& session, Dialect dialect, const Json& row) {
  try {
    int64_t tenant_id = row.at("tenant_id").get<int64_t>();
    std::string locale = row.at("locale").get<std::string>();
    std::string audio_hex = row.at("audio").get<std::string>();
    int64_t duration_ms = row.at("duration_ms").get<int64_t>();
    int64_t created_at = row.at("created_at").get<int64_t>();
    if (dialect == Dialect::kPostgresql) {
      Query(session, kInsertGreetingPostgresql)
          .Use(tenant_id)
          .Use(locale)
          .Use(audio_hex)
          .Use(duration_ms)
          .Use(created_at)
          .Run();
      return Status::Ok();
    }
    Result<std::string> audio = sql::FromHex(audio_hex);
    if (!audio.ok())
      return Status::InvalidArgument("import: a greeting's audio: " + audio.status().message());
    soci::blob blob(session);
    blob.write(0, audio->data(), audio->size());
    Query(session, kInsertGreetingSqlite)
        .Use(tenant_id)
        .Use(locale)
        .Use(blob)
        .Use(duration_ms)
        .Use(created_at)
        .Run();
    return Status::Ok();
  } catch (const Json::exception& e) {
    return Status::InvalidArgument(std::string("import: a greeting: ") + e.what());
  }
}

const Table* FindTable(const std::string& name) {
  for (const Table& t : kTables) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

}  // namespace

Result<std::vector<TransferCount>> ExportTenant(const SqlStoreOptions& options,
                                                std::string_view domain, std::ostream& out) {
  Result<std::unique_ptr<Db>> db = OpenDb(options);
  if (!db.ok()) return db.status();
  Dialect dialect = (*db)->dialect();
  // One read transaction: the rows of every table as of one moment.
  return (*db)->Write("export tenant", [&](soci::session& session) {
    using Counts = std::vector<TransferCount>;
    std::string d(domain);
    int64_t tenant_id = 0;
    if (!Query(session, kFindTenant).Into(tenant_id).Use(d).Run()) {
      return Result<Counts>(Status::NotFound("export: no tenant has the domain " + d));
    }
    Result<std::string> schema = LastMigration(session);
    if (!schema.ok()) return Result<Counts>(schema.status());
    out << Json{{"secinfo_export", kFormat}, {"tenant", d}, {"schema", *schema}}.dump() << '\n';
    Counts counts;
    for (const Table& t : kTables) {
      const char* select = t.select;
      if (select == nullptr) {
        select = dialect == Dialect::kSqlite ? kSelectGreetingsSqlite : kSelectGreetingsPostgresql;
      }
      int64_t n = 0;
      soci::row row;
      Query q(session, select);
      q.Into(row).Use(tenant_id);
      for (bool more = q.Run(); more; more = q.Next()) {
        Json values = Json::object();
        for (std::size_t i = 0; i < row.size(); ++i) {
          values[row.get_properties(i).get_name()] = ColumnValue(row, i);
        }
        out << Json{{"table", t.name}, {"row", values}}.dump() << '\n';
        ++n;
      }
      counts.push_back({t.name, n});
    }
    if (!out) return Result<Counts>(Status::Internal("export: cannot write the output"));
    return Result<Counts>(std::move(counts));
  });
}

Result<std::vector<TransferCount>> ImportTenant(const SqlStoreOptions& options, std::istream& in) {
  Result<std::unique_ptr<Db>> db = OpenDb(options);
  if (!db.ok()) return db.status();
  Dialect dialect = (*db)->dialect();
  using Counts = std::vector<TransferCount>;
  // All or nothing: one transaction; an id the target already uses refuses the whole import.
  return (*db)->Write("import tenant", [&](soci::session& session) -> Result<Counts> {
    std::string line;
    if (!std::getline(in, line)) return Status::InvalidArgument("import: the input is empty");
    Json header = Json::parse(line, nullptr, false);
    if (header.is_discarded() || !header.is_object() || !header.contains("secinfo_export") ||
        !header["secinfo_export"].is_number_integer()) {
      return Status::InvalidArgument("import: the first line is not a secinfo export header");
    }
    if (const int format = header["secinfo_export"].get<int>(); format != kFormat) {
      return Status::FailedPrecondition(
          "import: the export is of format " + std::to_string(format) + ", this version reads " +
          std::to_string(kFormat) + ": export again with this version of secinfo");
    }
    Result<std::string> schema = LastMigration(session);
    if (!schema.ok()) return schema.status();
    if (header.value("schema", "") != *schema) {
      return Status::FailedPrecondition("import: the export's schema is " +
                                        header.value("schema", "") + ", this database's is " +
                                        *schema + ": export and import with the same version");
    }
    std::map<std::string, std::set<std::string>> columns;
    std::map<std::string, int64_t> counts;
    std::vector<std::pair<int64_t, int64_t>> defaults;  // (user, method)
    std::size_t position = 0;                           // in kTables: rows come in its order
    int64_t line_number = 1;
    while (std::getline(in, line)) {
      ++line_number;
      if (line.empty()) continue;
      std::string where = "import: line " + std::to_string(line_number) + ": ";
      Json record = Json::parse(line, nullptr, false);
      if (record.is_discarded() || !record.is_object() || !record.contains("table") ||
          !record["table"].is_string() || !record.contains("row") || !record["row"].is_object()) {
        return Status::InvalidArgument(where + "not a {\"table\", \"row\"} record");
      }
      std::string table = record["table"].get<std::string>();
      const Table* t = FindTable(table);
      if (t == nullptr) return Status::InvalidArgument(where + "unknown table " + table);
      std::size_t index = static_cast<std::size_t>(t - kTables);
      if (index < position) return Status::InvalidArgument(where + table + " is out of order");
      position = index;
      Json& row = record["row"];
      Status inserted;
      if (t->select == nullptr) {
        inserted = InsertGreeting(session, dialect, row);
      } else {
        if (!columns.count(table)) {
          Result<std::set<std::string>> known = ColumnsOf(session, dialect, table);
          if (!known.ok()) return known.status();
          columns[table] = std::move(*known);
        }
        if (table == "users" && row.contains("default_method_id") &&
            row["default_method_id"].is_number_integer() && row.contains("id") &&
            row["id"].is_number_integer()) {
          defaults.emplace_back(row["id"].get<int64_t>(), row["default_method_id"].get<int64_t>());
          row["default_method_id"] = nullptr;
        }
        inserted = InsertRow(session, table, columns[table], row);
      }
      if (!inserted.ok()) return inserted;
      ++counts[table];
    }
    for (auto& [user, method] : defaults) {
      Query(session, kSetDefaultMethod).Use(method).Use(user).Run();
    }
    if (dialect == Dialect::kPostgresql) {
      for (const char* statement : kMoveIdentitiesPostgresql) session << statement;
    }
    Counts out;
    for (const Table& t : kTables) out.push_back({t.name, counts[t.name]});
    return out;
  });
}

}  // namespace secinfo::store
