#pragma once

#include "flows/oidc/keys.h"
#include "flows/oidc/provider.h"
#include "http/router.h"

namespace secinfo::web {

// The OpenID Connect endpoints that applications call directly, without a browser or cookies:
// discovery, JWKS, token, userinfo (GET and POST), revocation. JSON in and out; never cached.
void AddOidcEndpoints(http::Router& router, flows::oidc::Provider& provider,
                      flows::oidc::SigningKeys& keys);

}  // namespace secinfo::web
