#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "store/store.h"

namespace secinfo::flows::oidc {

// What an administrator registers: an application of the tenant that signs people in.
struct NewClient {
  std::string name;
  std::vector<std::string> redirect_uris;              // REQUIRES: at least one
  std::vector<std::string> post_logout_redirect_uris;  // where RP-initiated logout may return
  std::vector<std::string> scopes;                     // empty: openid profile email offline_access
  bool is_public = false;
  bool third_party = false;
  std::string id_token_alg = "RS256";
};

struct RegisteredClient {
  store::OidcClient client;
  std::string secret;  // shown once; empty for a public client
};

// The scopes this provider knows, in the order discovery lists them.
const std::vector<std::string>& SupportedScopes();

// Registers a client in `tenant_id` with a random id and, unless public, a random secret kept only
// as its SHA-256 (a 256-bit random secret needs no slow hash: it cannot be guessed).
// InvalidArgument, with a message for the administrator, for a redirect URI that is not an
// absolute http(s) URL without fragment, an unknown scope, or an unknown algorithm.
Result<RegisteredClient> AddClient(store::Store& store, Random& random, const Clock& clock,
                                   int64_t tenant_id, const NewClient& c);

// A new secret for a confidential client; the old one stops working at once. Returns it (shown
// once). NotFound unless the client is the tenant's; FailedPrecondition for a public client.
Result<std::string> RotateClientSecret(store::Store& store, Random& random, int64_t tenant_id,
                                       std::string_view client_id);

// The SHA-256 (hex) of a secret or token, as the store keeps it.
std::string SecretHash(std::string_view secret);

}  // namespace secinfo::flows::oidc
