#include "web/oidc_endpoints.h"

#include <string>

#include "crypto/encoding.h"
#include "http/url.h"

namespace secinfo::web {
namespace {

using flows::oidc::ClientCredentials;
using flows::oidc::EndpointResult;

http::Response NoStore(http::Response r) {
  r.SetHeader("Cache-Control", "no-store");
  r.SetHeader("Pragma", "no-cache");
  return r;
}

// Client credentials from HTTP Basic (RFC 6749 §2.3.1: each part form-encoded, then base64) or
// from the body (client_secret_post, or a public client's client_id alone).
ClientCredentials Credentials(const http::Request& req) {
  ClientCredentials creds;
  const std::string auth = req.Header("authorization");
  const bool basic = auth.size() > 6 && http::EqualsIgnoreCase(auth.substr(0, 6), "basic ");
  if (basic) {
    std::string b64 = auth.substr(6);
    for (char& ch : b64) ch = ch == '+' ? '-' : ch == '/' ? '_' : ch;
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    auto decoded = crypto::Base64UrlDecode(b64);
    const size_t colon = decoded.ok() ? decoded->find(':') : std::string::npos;
    if (colon != std::string::npos) {
      creds.client_id = http::UrlDecode(decoded->substr(0, colon), true);
      creds.client_secret = http::UrlDecode(decoded->substr(colon + 1), true);
      creds.from_basic = true;
    }
    creds.conflicting =
        !req.Form("client_secret").empty() ||
        (!req.Form("client_id").empty() && req.Form("client_id") != creds.client_id);
    return creds;
  }
  creds.client_id = req.Form("client_id");
  creds.client_secret = req.Form("client_secret");
  return creds;
}

http::Response Answer(const EndpointResult& r, bool basic_used) {
  if (r.error.empty()) return NoStore(http::Response::Json(r.body.dump()));
  nlohmann::json body = {{"error", r.error}};
  if (!r.error_description.empty()) body["error_description"] = r.error_description;
  const int status = r.error == "invalid_client" ? 401 : r.error == "server_error" ? 500 : 400;
  http::Response out = NoStore(http::Response::Json(body.dump(), status));
  if (status == 401) {
    out.SetHeader("WWW-Authenticate", basic_used ? "Basic realm=\"secinfo\"" : "Basic");
  }
  return out;
}

}  // namespace

void AddOidcEndpoints(http::Router& router, flows::oidc::Provider& provider,
                      flows::oidc::SigningKeys& keys) {
  router.Get("/.well-known/openid-configuration", [&provider](http::Request&) {
    http::Response r = http::Response::Json(provider.Discovery().dump());
    r.SetHeader("Access-Control-Allow-Origin", "*");
    return r;
  });
  router.Get("/oidc/jwks", [&keys](http::Request&) {
    auto jwks = keys.Jwks();
    if (!jwks.ok()) return http::Response::Json(R"({"error":"server_error"})", 503);
    http::Response r = http::Response::Json(*jwks);
    r.SetHeader("Access-Control-Allow-Origin", "*");
    return r;
  });
  router.Post("/oidc/token", [&provider](http::Request& req) {
    ClientCredentials creds = Credentials(req);
    return Answer(provider.Token(creds, req.form), creds.from_basic);
  });
  router.Post("/oidc/revoke", [&provider](http::Request& req) {
    ClientCredentials creds = Credentials(req);
    return Answer(provider.Revoke(creds, req.form), creds.from_basic);
  });
  // RFC 6750 §2.1 (header) and §2.2 (form body, POST only).
  auto userinfo = [&provider](http::Request& req) {
    const std::string auth = req.Header("authorization");
    std::string token;
    if (auth.size() > 7 && http::EqualsIgnoreCase(auth.substr(0, 7), "bearer ")) {
      token = auth.substr(7);
    } else if (req.method == "POST") {
      token = req.Form("access_token");
    }
    EndpointResult r = provider.UserInfo(token);
    if (r.error.empty()) return NoStore(http::Response::Json(r.body.dump()));
    http::Response out = NoStore(http::Response::Json(
        nlohmann::json{{"error", r.error}, {"error_description", r.error_description}}.dump(),
        401));
    out.SetHeader("WWW-Authenticate", token.empty() ? "Bearer" : "Bearer error=\"invalid_token\"");
    return out;
  };
  router.Get("/oidc/userinfo", userinfo);
  router.Post("/oidc/userinfo", userinfo);
}

}  // namespace secinfo::web
