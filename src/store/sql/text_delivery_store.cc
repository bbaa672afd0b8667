#include "store/sql/state_column.h"
#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

// The sending node's half: what the text was for. A receipt stored first keeps its state.
constexpr char kTrack[] =
    "INSERT INTO text_deliveries (provider, message_id, tenant_id, challenge_id, send_number,"
    " parts, state, error, sent_at, reported_at, created_at)"
    " VALUES (:provider, :message_id, :tenant_id, :challenge_id, :send_number, :parts, '', '',"
    " :sent_at, 0, :created_at)"
    " ON CONFLICT (provider, message_id) DO UPDATE SET tenant_id = excluded.tenant_id,"
    " challenge_id = excluded.challenge_id, send_number = excluded.send_number,"
    " parts = excluded.parts, sent_at = excluded.sent_at";
// The receiving node's half: what the network said. What the text was for stays.
constexpr char kRecordReceipt[] =
    "INSERT INTO text_deliveries (provider, message_id, tenant_id, challenge_id, send_number,"
    " parts, state, error, sent_at, reported_at, created_at)"
    " VALUES (:provider, :message_id, 0, '', 0, 0, :state, :error, 0, :reported_at,"
    " :created_at)"
    " ON CONFLICT (provider, message_id) DO UPDATE SET state = excluded.state,"
    " error = excluded.error, reported_at = excluded.reported_at";
// Both reads select the whole row, in IntoDelivery's order.
#define SECINFO_SELECT_TEXTS                                                                \
  "SELECT provider, message_id, tenant_id, challenge_id, send_number, parts, state, error," \
  " sent_at, reported_at, created_at FROM text_deliveries"
constexpr char kGet[] =
    SECINFO_SELECT_TEXTS " WHERE provider = :provider AND message_id = :message_id";
constexpr char kListForChallenge[] = SECINFO_SELECT_TEXTS
    " WHERE challenge_id = :challenge_id ORDER BY send_number, sent_at, message_id";
#undef SECINFO_SELECT_TEXTS

// A row read by kGet or kListForChallenge on its way out.
struct DeliveryRow {
  TextDelivery t;
  std::string state;

  Query& Bind(Query& q) {
    return q.Into(t.provider)
        .Into(t.message_id)
        .Into(t.tenant_id)
        .Into(t.challenge_id)
        .Into(t.send)
        .Into(t.parts)
        .Into(state)
        .Into(t.error)
        .Into(t.sent_at)
        .Into(t.reported_at)
        .Into(t.created_at);
  }
  Result<TextDelivery> Get() const {
    TextDelivery out = t;
    SECINFO_RETURN_IF_ERROR(ReadState(ParseDeliveryState, state, "text_deliveries", out.state));
    return out;
  }
};

Result<TextDelivery> GetRow(soci::session& session, const std::string& provider,
                            const std::string& message_id) {
  DeliveryRow row;
  Query q(session, kGet);
  row.Bind(q).Use(provider).Use(message_id);
  if (!q.Run()) return Status::NotFound("no such text");
  return row.Get();
}

}  // namespace

Result<TextDelivery> SqlTextDeliveryStore::Track(const TextDelivery& t) {
  return db_.Write("track text", [&](soci::session& session) -> Result<TextDelivery> {
    Query(session, kTrack)
        .Use(t.provider)
        .Use(t.message_id)
        .Use(t.tenant_id)
        .Use(t.challenge_id)
        .Use(t.send)
        .Use(t.parts)
        .Use(t.sent_at)
        .Use(t.created_at)
        .Run();
    return GetRow(session, t.provider, t.message_id);
  });
}

Result<TextDelivery> SqlTextDeliveryStore::RecordReceipt(std::string_view provider,
                                                         std::string_view message_id,
                                                         DeliveryState state,
                                                         std::string_view error, int64_t at) {
  if (state == DeliveryState::kNoReceipt) {
    return Status::InvalidArgument("text receipt: state must be delivered or undelivered");
  }
  return db_.Write("record text receipt", [&](soci::session& session) -> Result<TextDelivery> {
    const std::string p(provider), id(message_id), s(StateName(state)), e(error);
    Query(session, kRecordReceipt).Use(p).Use(id).Use(s).Use(e).Use(at).Use(at).Run();
    return GetRow(session, p, id);
  });
}

Result<std::vector<TextDelivery>> SqlTextDeliveryStore::ListForChallenge(
    std::string_view challenge_id) {
  using Rows = std::vector<TextDelivery>;
  return db_.Read("list texts of a challenge", [&](soci::session& session) -> Result<Rows> {
    const std::string id(challenge_id);
    Rows out;
    DeliveryRow row;
    Query q(session, kListForChallenge);
    row.Bind(q).Use(id);
    for (bool more = q.Run(); more; more = q.Next()) {
      Result<TextDelivery> t = row.Get();
      if (!t.ok()) return t.status();
      out.push_back(std::move(*t));
    }
    return out;
  });
}

}  // namespace secinfo::store::sql
