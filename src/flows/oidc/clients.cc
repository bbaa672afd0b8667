#include "flows/oidc/clients.h"

#include <algorithm>

#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/jws.h"

namespace secinfo::flows::oidc {
namespace {

// RFC 6749 §3.1.2: an absolute URI without fragment. http is allowed for any host, as loopback
// and intranet applications need it; the administrator chooses.
Status CheckRedirectUri(const std::string& uri) {
  const bool scheme = uri.starts_with("https://") || uri.starts_with("http://");
  const size_t host = uri.find("://") + 3;
  if (!scheme || uri.size() <= host || uri.find('#') != std::string::npos ||
      uri.find_first_of(" \t\r\n\"<>\\") != std::string::npos) {
    return Status::InvalidArgument(
        "redirect URI must be an absolute http(s) URL without fragment: " + uri);
  }
  return Status::Ok();
}

}  // namespace

const std::vector<std::string>& SupportedScopes() {
  static const std::vector<std::string> kScopes = {"openid", "profile", "email", "offline_access"};
  return kScopes;
}

std::string SecretHash(std::string_view secret) {
  return crypto::HexEncode(crypto::Sha256(secret));
}

Result<RegisteredClient> AddClient(store::Store& store, Random& random, const Clock& clock,
                                   int64_t tenant_id, const NewClient& c) {
  if (c.name.empty()) return Status::InvalidArgument("a client needs a name");
  if (c.redirect_uris.empty()) return Status::InvalidArgument("a client needs a redirect URI");
  for (const auto& uri : c.redirect_uris) SECINFO_RETURN_IF_ERROR(CheckRedirectUri(uri));
  for (const auto& uri : c.post_logout_redirect_uris) {
    SECINFO_RETURN_IF_ERROR(CheckRedirectUri(uri));
  }
  std::vector<std::string> scopes = c.scopes.empty() ? SupportedScopes() : c.scopes;
  if (std::find(scopes.begin(), scopes.end(), "openid") == scopes.end()) {
    scopes.insert(scopes.begin(), "openid");
  }
  for (const auto& s : scopes) {
    const auto& known = SupportedScopes();
    if (std::find(known.begin(), known.end(), s) == known.end()) {
      return Status::InvalidArgument("unknown scope " + s +
                                     " (known: openid, profile, email, "
                                     "offline_access)");
    }
  }
  if (!crypto::ParseJwsAlgorithm(c.id_token_alg)) {
    return Status::InvalidArgument("ID token algorithm must be RS256 or ES256");
  }
  RegisteredClient out;
  store::OidcClient& client = out.client;
  client.id = random.Token(16);
  client.tenant_id = tenant_id;
  client.name = c.name;
  client.redirect_uris = c.redirect_uris;
  client.post_logout_redirect_uris = c.post_logout_redirect_uris;
  client.scopes = scopes;
  client.is_public = c.is_public;
  client.third_party = c.third_party;
  client.id_token_alg = c.id_token_alg;
  client.created_at = clock.NowMillis();
  if (!c.is_public) {
    out.secret = random.Token(32);
    client.secret_hash = SecretHash(out.secret);
  }
  SECINFO_RETURN_IF_ERROR(store.oidc().CreateClient(client));
  return out;
}

Result<std::string> RotateClientSecret(store::Store& store, Random& random, int64_t tenant_id,
                                       std::string_view client_id) {
  auto client = store.oidc().GetClient(client_id);
  if (!client.ok() || client->tenant_id != tenant_id) {
    return Status::NotFound("no client " + std::string(client_id) + " in this tenant");
  }
  if (client->is_public) return Status::FailedPrecondition("a public client has no secret");
  std::string secret = random.Token(32);
  SECINFO_RETURN_IF_ERROR(store.oidc().SetClientSecret(tenant_id, client_id, SecretHash(secret)));
  return secret;
}

}  // namespace secinfo::flows::oidc
