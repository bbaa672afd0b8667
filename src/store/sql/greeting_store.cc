#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

// The audio column is a BLOB on SQLite and a bytea on PostgreSQL. SOCI's soci::blob is a large
// object on PostgreSQL, not a bytea, so there the bytes travel as hexadecimal text, which
// decode()/encode() turn into the column's bytes and back.
#define SECINFO_UPSERT_GREETING(AUDIO)                                               \
  "INSERT INTO tenant_greetings (tenant_id, locale, audio, duration_ms, created_at)" \
  " VALUES (:tenant_id, :locale, " AUDIO                                             \
  ", :duration_ms, :created_at)"                                                     \
  " ON CONFLICT (tenant_id, locale) DO UPDATE SET audio = excluded.audio,"           \
  " duration_ms = excluded.duration_ms, created_at = excluded.created_at"
constexpr char kUpsertGreetingSqlite[] = SECINFO_UPSERT_GREETING(":audio");
constexpr char kUpsertGreetingPostgresql[] = SECINFO_UPSERT_GREETING("decode(:audio_hex, 'hex')");
#undef SECINFO_UPSERT_GREETING
#define SECINFO_GET_GREETING(AUDIO)                 \
  "SELECT " AUDIO                                   \
  ", duration_ms, created_at FROM tenant_greetings" \
  " WHERE tenant_id = :tenant_id AND locale = :locale"
constexpr char kGetGreetingSqlite[] = SECINFO_GET_GREETING("audio");
constexpr char kGetGreetingPostgresql[] = SECINFO_GET_GREETING("encode(audio, 'hex')");
#undef SECINFO_GET_GREETING
constexpr char kDeleteGreeting[] =
    "DELETE FROM tenant_greetings WHERE tenant_id = :tenant_id AND locale = :locale";
constexpr char kListGreetings[] =
    "SELECT locale, duration_ms, LENGTH(audio), created_at FROM tenant_greetings"
    " WHERE tenant_id = :tenant_id ORDER BY locale";

}  // namespace

// On SQLite the audio goes through soci::blob: bound as a std::string it would be stored as TEXT,
// whose LENGTH() and comparisons SQLite takes as UTF-8 characters, which u-law bytes are not.
Status SqlGreetingStore::Put(const Greeting& g) {
  if (g.audio_ulaw.empty()) return Status::InvalidArgument("put greeting: no audio");
  return db_.Write("put greeting", [&](soci::session& session) {
    if (db_.dialect() == Dialect::kPostgresql) {
      const std::string hex = ToHex(g.audio_ulaw);
      Query(session, kUpsertGreetingPostgresql)
          .Use(g.tenant_id)
          .Use(g.locale)
          .Use(hex)
          .Use(g.duration_ms)
          .Use(g.created_at)
          .Run();
      return Status::Ok();
    }
    soci::blob audio(session);
    audio.write(0, g.audio_ulaw.data(), g.audio_ulaw.size());
    Query(session, kUpsertGreetingSqlite)
        .Use(g.tenant_id)
        .Use(g.locale)
        .Use(audio)
        .Use(g.duration_ms)
        .Use(g.created_at)
        .Run();
    return Status::Ok();
  });
}

Result<Greeting> SqlGreetingStore::Get(int64_t tenant_id, std::string_view locale) {
  return db_.Read("get greeting", [&](soci::session& session) -> Result<Greeting> {
    Greeting g;
    g.tenant_id = tenant_id;
    g.locale = std::string(locale);
    if (db_.dialect() == Dialect::kPostgresql) {
      std::string hex;
      Query q(session, kGetGreetingPostgresql);
      q.Into(hex).Into(g.duration_ms).Into(g.created_at).Use(tenant_id).Use(g.locale);
      if (!q.Run()) return Status::NotFound("get greeting: none for " + g.locale);
      Result<std::string> audio = FromHex(hex);
      if (!audio.ok()) return Status::Internal("get greeting: " + audio.status().message());
      g.audio_ulaw = std::move(*audio);
      return g;
    }
    soci::blob audio(session);
    Query q(session, kGetGreetingSqlite);
    q.Into(audio).Into(g.duration_ms).Into(g.created_at).Use(tenant_id).Use(g.locale);
    if (!q.Run()) return Status::NotFound("get greeting: none for " + g.locale);
    g.audio_ulaw.resize(audio.get_len());
    if (!g.audio_ulaw.empty()) audio.read(0, g.audio_ulaw.data(), g.audio_ulaw.size());
    return g;
  });
}

Status SqlGreetingStore::Delete(int64_t tenant_id, std::string_view locale) {
  return db_.Write("delete greeting", [&](soci::session& session) {
    std::string key(locale);
    Query q(session, kDeleteGreeting);
    q.Use(tenant_id).Use(key).Run();
    return q.AffectedRows() == 1 ? Status::Ok()
                                 : Status::NotFound("delete greeting: none for " + key);
  });
}

Result<std::vector<GreetingSummary>> SqlGreetingStore::List(int64_t tenant_id) {
  using Summaries = std::vector<GreetingSummary>;
  return db_.Read("list greetings", [&](soci::session& session) -> Result<Summaries> {
    Summaries out;
    GreetingSummary s;
    Query q(session, kListGreetings);
    q.Into(s.locale).Into(s.duration_ms).Into(s.size_bytes).Into(s.created_at).Use(tenant_id);
    for (bool row = q.Run(); row; row = q.Next()) out.push_back(s);
    return out;
  });
}

}  // namespace secinfo::store::sql
