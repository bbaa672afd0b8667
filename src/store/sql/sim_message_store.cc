#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

constexpr char kInsertMessage[] =
    "INSERT INTO sim_messages (channel, recipient, sender, subject, body, html, created_at)"
    " VALUES (:channel, :recipient, :sender, :subject, :body, :html, :created_at) RETURNING id";
constexpr char kListMessages[] =
    "SELECT id, channel, recipient, sender, subject, body, html, created_at FROM sim_messages"
    " WHERE channel = :channel AND recipient = :recipient"
    " ORDER BY created_at DESC, id DESC LIMIT :limit";
constexpr char kListRecipients[] =
    "SELECT recipient FROM sim_messages WHERE channel = :channel GROUP BY recipient"
    " ORDER BY MAX(created_at) DESC, recipient LIMIT :limit";

}  // namespace

Result<int64_t> SqlSimMessageStore::Create(const SimMessage& m) {
  return db_.Write("create sim message", [&](soci::session& session) -> Result<int64_t> {
    int64_t id = 0;
    Query(session, kInsertMessage)
        .Use(m.channel)
        .Use(m.recipient)
        .Use(m.sender)
        .Use(m.subject)
        .Use(m.body)
        .Use(m.html)
        .Use(m.created_at)
        .Into(id)
        .Run();
    return id;
  });
}

Result<std::vector<SimMessage>> SqlSimMessageStore::ListFor(std::string_view channel,
                                                            std::string_view recipient, int limit) {
  using Messages = std::vector<SimMessage>;
  return db_.Read("list sim messages", [&](soci::session& session) -> Result<Messages> {
    std::string ch(channel), to(recipient);
    Messages out;
    SimMessage m;
    Query q(session, kListMessages);
    q.Into(m.id)
        .Into(m.channel)
        .Into(m.recipient)
        .Into(m.sender)
        .Into(m.subject)
        .Into(m.body)
        .Into(m.html)
        .Into(m.created_at)
        .Use(ch)
        .Use(to)
        .Use(limit);
    for (bool row = q.Run(); row; row = q.Next()) out.push_back(m);
    return out;
  });
}

Result<std::vector<std::string>> SqlSimMessageStore::ListRecipients(std::string_view channel,
                                                                    int limit) {
  using Names = std::vector<std::string>;
  return db_.Read("list sim recipients", [&](soci::session& session) -> Result<Names> {
    std::string ch(channel);
    Names out;
    std::string r;
    Query q(session, kListRecipients);
    q.Into(r).Use(ch).Use(limit);
    for (bool row = q.Run(); row; row = q.Next()) out.push_back(r);
    return out;
  });
}

}  // namespace secinfo::store::sql
