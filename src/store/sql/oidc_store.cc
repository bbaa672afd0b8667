#include "store/sql/stores.h"

namespace secinfo::store::sql {
namespace {

constexpr char kInsertClient[] =
    "INSERT INTO oidc_clients (id, tenant_id, name, secret_hash, redirect_uris,"
    " post_logout_redirect_uris, scopes, is_public, third_party, id_token_alg, created_at)"
    " VALUES (:id, :tenant_id, :name, :secret_hash, :redirect_uris, :post_logout, :scopes,"
    " :is_public, :third_party, :id_token_alg, :created_at)";
#define SECINFO_CLIENT_SELECT                                                          \
  "SELECT id, tenant_id, name, secret_hash, redirect_uris, post_logout_redirect_uris," \
  " scopes, is_public, third_party, id_token_alg, created_at FROM oidc_clients "
constexpr char kGetClient[] = SECINFO_CLIENT_SELECT "WHERE id = :id";
constexpr char kListClients[] =
    SECINFO_CLIENT_SELECT "WHERE tenant_id = :tenant_id ORDER BY created_at, id";
#undef SECINFO_CLIENT_SELECT
constexpr char kDeleteClient[] =
    "DELETE FROM oidc_clients WHERE tenant_id = :tenant_id AND id = :id";
constexpr char kSetClientSecret[] =
    "UPDATE oidc_clients SET secret_hash = :secret_hash WHERE tenant_id = :tenant_id AND id = :id";

constexpr char kRetireKeys[] =
    "UPDATE oidc_signing_keys SET retired_at = :retired_at, expires_at = :expires_at"
    " WHERE alg = :alg AND retired_at = 0";
constexpr char kInsertKey[] =
    "INSERT INTO oidc_signing_keys (kid, alg, sealed_private_key, public_jwk, created_at,"
    " retired_at, expires_at) VALUES (:kid, :alg, :key, :jwk, :created_at, 0, 0)";
constexpr char kListKeys[] =
    "SELECT kid, alg, sealed_private_key, public_jwk, created_at, retired_at, expires_at"
    " FROM oidc_signing_keys WHERE retired_at = 0 OR expires_at > :now"
    " ORDER BY retired_at, created_at DESC";

#define SECINFO_GRANT_COLUMNS \
  "grant_id, client_id, tenant_id, user_id, scope, nonce, session_hash, auth_time, amr, acr"
#define SECINFO_GRANT_VALUES                                                                \
  ":grant_id, :client_id, :tenant_id, :user_id, :scope, :nonce, :session_hash, :auth_time," \
  " :amr, :acr"
constexpr char kInsertCode[] = "INSERT INTO oidc_codes (code_hash, " SECINFO_GRANT_COLUMNS
                               ", redirect_uri, code_challenge, created_at, expires_at, used_at)"
                               " VALUES (:code_hash, " SECINFO_GRANT_VALUES
                               ", :redirect_uri, :code_challenge, :created_at, :expires_at, 0)";
constexpr char kGetCode[] = "SELECT code_hash, " SECINFO_GRANT_COLUMNS
                            ", redirect_uri, code_challenge, created_at, expires_at, used_at"
                            " FROM oidc_codes WHERE code_hash = :code_hash";
constexpr char kUseCode[] =
    "UPDATE oidc_codes SET used_at = :now WHERE code_hash = :code_hash AND used_at = 0";
constexpr char kInsertToken[] =
    "INSERT INTO oidc_tokens (token_hash, kind, " SECINFO_GRANT_COLUMNS
    ", created_at, expires_at, used_at, revoked)"
    " VALUES (:token_hash, :kind, " SECINFO_GRANT_VALUES ", :created_at, :expires_at, 0, 0)";
constexpr char kGetToken[] = "SELECT token_hash, kind, " SECINFO_GRANT_COLUMNS
                             ", created_at, expires_at, used_at, revoked"
                             " FROM oidc_tokens WHERE token_hash = :token_hash";
#undef SECINFO_GRANT_COLUMNS
#undef SECINFO_GRANT_VALUES
// Only a live refresh token rotates: one statement, so two nodes exchanging the same token cannot
// both succeed.
constexpr char kUseRefresh[] =
    "UPDATE oidc_tokens SET used_at = :now WHERE token_hash = :token_hash AND kind = 'refresh'"
    " AND used_at = 0 AND revoked = 0 AND expires_at > :live_at";
constexpr char kRevokeGrant[] = "UPDATE oidc_tokens SET revoked = 1 WHERE grant_id = :grant_id";
constexpr char kRevokeToken[] = "UPDATE oidc_tokens SET revoked = 1 WHERE token_hash = :token_hash";

constexpr char kGetConsent[] =
    "SELECT scope FROM oidc_consents WHERE user_id = :user_id AND client_id = :client_id";
constexpr char kUpsertConsent[] =
    "INSERT INTO oidc_consents (user_id, client_id, scope, granted_at)"
    " VALUES (:user_id, :client_id, :scope, :granted_at)"
    " ON CONFLICT (user_id, client_id) DO UPDATE SET scope = excluded.scope,"
    " granted_at = excluded.granted_at";

constexpr char kDeleteExpiredCodes[] = "DELETE FROM oidc_codes WHERE expires_at < :before";
constexpr char kDeleteExpiredTokens[] = "DELETE FROM oidc_tokens WHERE expires_at < :before";

// A client as its row holds it: lists one item a line, booleans 0/1.
struct ClientRow {
  OidcClient c;
  std::string redirect_uris, post_logout, scopes;
  int is_public = 0, third_party = 0;

  Query& Into(Query& q) {
    return q.Into(c.id)
        .Into(c.tenant_id)
        .Into(c.name)
        .Into(c.secret_hash)
        .Into(redirect_uris)
        .Into(post_logout)
        .Into(scopes)
        .Into(is_public)
        .Into(third_party)
        .Into(c.id_token_alg)
        .Into(c.created_at);
  }
  OidcClient Get() const {
    OidcClient out = c;
    out.redirect_uris = SplitLines(redirect_uris);
    out.post_logout_redirect_uris = SplitLines(post_logout);
    out.scopes = SplitLines(scopes);
    out.is_public = is_public != 0;
    out.third_party = third_party != 0;
    return out;
  }
};

Query& IntoGrant(Query& q, OidcGrant& g) {
  return q.Into(g.grant_id)
      .Into(g.client_id)
      .Into(g.tenant_id)
      .Into(g.user_id)
      .Into(g.scope)
      .Into(g.nonce)
      .Into(g.session_hash)
      .Into(g.auth_time)
      .Into(g.amr)
      .Into(g.acr);
}

Query& UseGrant(Query& q, const OidcGrant& g) {
  return q.Use(g.grant_id)
      .Use(g.client_id)
      .Use(g.tenant_id)
      .Use(g.user_id)
      .Use(g.scope)
      .Use(g.nonce)
      .Use(g.session_hash)
      .Use(g.auth_time)
      .Use(g.amr)
      .Use(g.acr);
}

void InsertTokens(soci::session& session, const std::vector<OidcToken>& tokens) {
  for (const OidcToken& t : tokens) {
    Query q(session, kInsertToken);
    q.Use(t.token_hash).Use(t.kind);
    UseGrant(q, t.grant).Use(t.created_at).Use(t.expires_at).Run();
  }
}

Result<OidcToken> ReadToken(soci::session& session, std::string_view token_hash) {
  std::string key(token_hash);
  OidcToken t;
  int revoked = 0;
  Query q(session, kGetToken);
  q.Into(t.token_hash).Into(t.kind);
  IntoGrant(q, t.grant).Into(t.created_at).Into(t.expires_at).Into(t.used_at).Into(revoked);
  q.Use(key);
  if (!q.Run()) return Status::NotFound("oidc token: unknown");
  t.revoked = revoked != 0;
  return t;
}

}  // namespace

Status SqlOidcStore::CreateClient(const OidcClient& c) {
  return db_.Write("create oidc client", [&](soci::session& session) {
    const std::string redirect = JoinLines(c.redirect_uris);
    const std::string post_logout = JoinLines(c.post_logout_redirect_uris);
    const std::string scopes = JoinLines(c.scopes);
    const int is_public = c.is_public ? 1 : 0, third_party = c.third_party ? 1 : 0;
    Query(session, kInsertClient)
        .Use(c.id)
        .Use(c.tenant_id)
        .Use(c.name)
        .Use(c.secret_hash)
        .Use(redirect)
        .Use(post_logout)
        .Use(scopes)
        .Use(is_public)
        .Use(third_party)
        .Use(c.id_token_alg)
        .Use(c.created_at)
        .Run();
    return Status::Ok();
  });
}

Result<OidcClient> SqlOidcStore::GetClient(std::string_view id) {
  return db_.Read("get oidc client", [&](soci::session& session) -> Result<OidcClient> {
    std::string key(id);
    ClientRow row;
    Query q(session, kGetClient);
    row.Into(q).Use(key);
    if (!q.Run()) return Status::NotFound("oidc client: unknown");
    return row.Get();
  });
}

Result<std::vector<OidcClient>> SqlOidcStore::ListClients(int64_t tenant_id) {
  return db_.Read("list oidc clients",
                  [&](soci::session& session) -> Result<std::vector<OidcClient>> {
                    std::vector<OidcClient> out;
                    ClientRow row;
                    Query q(session, kListClients);
                    row.Into(q).Use(tenant_id);
                    for (bool r = q.Run(); r; r = q.Next()) out.push_back(row.Get());
                    return out;
                  });
}

Status SqlOidcStore::DeleteClient(int64_t tenant_id, std::string_view id) {
  return db_.Write("delete oidc client", [&](soci::session& session) {
    std::string key(id);
    Query q(session, kDeleteClient);
    q.Use(tenant_id).Use(key).Run();
    if (q.AffectedRows() == 0) return Status::NotFound("oidc client: not the tenant's");
    return Status::Ok();
  });
}

Status SqlOidcStore::SetClientSecret(int64_t tenant_id, std::string_view id,
                                     std::string_view secret_hash) {
  return db_.Write("set oidc client secret", [&](soci::session& session) {
    std::string key(id), hash(secret_hash);
    Query q(session, kSetClientSecret);
    q.Use(hash).Use(tenant_id).Use(key).Run();
    if (q.AffectedRows() == 0) return Status::NotFound("oidc client: not the tenant's");
    return Status::Ok();
  });
}

Status SqlOidcStore::AddSigningKey(const OidcSigningKey& key, int64_t old_expires_at) {
  return db_.Write("add oidc signing key", [&](soci::session& session) {
    Query(session, kRetireKeys).Use(key.created_at).Use(old_expires_at).Use(key.alg).Run();
    Query(session, kInsertKey)
        .Use(key.kid)
        .Use(key.alg)
        .Use(key.sealed_private_key)
        .Use(key.public_jwk)
        .Use(key.created_at)
        .Run();
    return Status::Ok();
  });
}

Result<std::vector<OidcSigningKey>> SqlOidcStore::ListSigningKeys(int64_t now) {
  return db_.Read("list oidc signing keys",
                  [&](soci::session& session) -> Result<std::vector<OidcSigningKey>> {
                    std::vector<OidcSigningKey> out;
                    OidcSigningKey k;
                    Query q(session, kListKeys);
                    q.Into(k.kid)
                        .Into(k.alg)
                        .Into(k.sealed_private_key)
                        .Into(k.public_jwk)
                        .Into(k.created_at)
                        .Into(k.retired_at)
                        .Into(k.expires_at)
                        .Use(now);
                    for (bool r = q.Run(); r; r = q.Next()) out.push_back(k);
                    return out;
                  });
}

Status SqlOidcStore::CreateCode(const OidcCode& c) {
  return db_.Write("create oidc code", [&](soci::session& session) {
    Query q(session, kInsertCode);
    q.Use(c.code_hash);
    UseGrant(q, c.grant)
        .Use(c.redirect_uri)
        .Use(c.code_challenge)
        .Use(c.created_at)
        .Use(c.expires_at)
        .Run();
    return Status::Ok();
  });
}

Result<OidcCode> SqlOidcStore::UseCode(std::string_view code_hash, int64_t now) {
  // A replay must revoke what the first use issued even though the caller's answer is an error:
  // that revocation is committed, so the outcome travels beside the transaction's status.
  Status replayed;
  Result<OidcCode> r = db_.Write("use oidc code", [&](soci::session& session) -> Result<OidcCode> {
    std::string key(code_hash);
    OidcCode c;
    Query q(session, kGetCode);
    q.Into(c.code_hash);
    IntoGrant(q, c.grant)
        .Into(c.redirect_uri)
        .Into(c.code_challenge)
        .Into(c.created_at)
        .Into(c.expires_at)
        .Into(c.used_at)
        .Use(key);
    if (!q.Run()) return Status::NotFound("oidc code: unknown");
    if (c.used_at != 0) {
      Query(session, kRevokeGrant).Use(c.grant.grant_id).Run();
      replayed = Status::FailedPrecondition("oidc code: used before; its grant is revoked");
      return c;
    }
    Query(session, kUseCode).Use(now).Use(key).Run();
    return c;
  });
  if (r.ok() && !replayed.ok()) return replayed;
  return r;
}

Status SqlOidcStore::CreateTokens(const std::vector<OidcToken>& tokens) {
  return db_.Write("create oidc tokens", [&](soci::session& session) {
    InsertTokens(session, tokens);
    return Status::Ok();
  });
}

Result<OidcToken> SqlOidcStore::GetToken(std::string_view token_hash) {
  return db_.Read("get oidc token",
                  [&](soci::session& session) { return ReadToken(session, token_hash); });
}

Status SqlOidcStore::RotateRefresh(std::string_view old_hash, int64_t now,
                                   const std::vector<OidcToken>& next) {
  Status reused;
  Status s = db_.Write("rotate oidc refresh token", [&](soci::session& session) -> Status {
    std::string key(old_hash);
    Query use(session, kUseRefresh);
    use.Use(now).Use(key).Use(now).Run();
    if (use.AffectedRows() == 1) {
      InsertTokens(session, next);
      return Status::Ok();
    }
    Result<OidcToken> old = ReadToken(session, old_hash);
    if (old.ok() && old->kind == "refresh" && old->used_at != 0) {
      Query(session, kRevokeGrant).Use(old->grant.grant_id).Run();
      reused = Status::FailedPrecondition("refresh token used before; its grant is revoked");
      return Status::Ok();
    }
    return Status::NotFound("refresh token: unknown, revoked or expired");
  });
  if (s.ok() && !reused.ok()) return reused;
  return s;
}

Status SqlOidcStore::RevokeGrant(std::string_view grant_id) {
  return db_.Write("revoke oidc grant", [&](soci::session& session) {
    std::string key(grant_id);
    Query(session, kRevokeGrant).Use(key).Run();
    return Status::Ok();
  });
}

Status SqlOidcStore::RevokeToken(std::string_view token_hash) {
  return db_.Write("revoke oidc token", [&](soci::session& session) {
    std::string key(token_hash);
    Query q(session, kRevokeToken);
    q.Use(key).Run();
    if (q.AffectedRows() == 0) return Status::NotFound("oidc token: unknown");
    return Status::Ok();
  });
}

Result<std::string> SqlOidcStore::GetConsent(int64_t user_id, std::string_view client_id) {
  return db_.Read("get oidc consent", [&](soci::session& session) -> Result<std::string> {
    std::string key(client_id), scope;
    Query q(session, kGetConsent);
    q.Into(scope).Use(user_id).Use(key);
    if (!q.Run()) return std::string();
    return scope;
  });
}

Status SqlOidcStore::SetConsent(int64_t user_id, std::string_view client_id, std::string_view scope,
                                int64_t now) {
  return db_.Write("set oidc consent", [&](soci::session& session) {
    std::string key(client_id), s(scope);
    Query(session, kUpsertConsent).Use(user_id).Use(key).Use(s).Use(now).Run();
    return Status::Ok();
  });
}

Result<int64_t> SqlOidcStore::DeleteExpiredBefore(int64_t before) {
  return db_.Write("delete expired oidc codes and tokens",
                   [&](soci::session& session) -> Result<int64_t> {
                     Query codes(session, kDeleteExpiredCodes);
                     codes.Use(before).Run();
                     Query tokens(session, kDeleteExpiredTokens);
                     tokens.Use(before).Run();
                     return codes.AffectedRows() + tokens.AffectedRows();
                   });
}

}  // namespace secinfo::store::sql
