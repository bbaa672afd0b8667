#pragma once

#include <chrono>

#include "flows/registration/push_approval.h"
#include "http/router.h"

namespace secinfo::api {

struct AuthenticatorApiOptions {
  // How long a device's poll waits for a request before answering with none (long-poll). It holds
  // a worker thread meanwhile; keep it short next to server.worker_threads.
  std::chrono::milliseconds poll_hold{10'000};
  std::chrono::milliseconds poll_step{200};
  std::string api_base;  // "https://id.contoso.example/api/authenticator", given to devices
};

// The JSON API the companion device (`secinfo authenticator`) talks to:
//   POST /api/authenticator/enrol/:token    bind a device to an app
//   GET  /api/authenticator/requests        long-poll for pending requests (signed)
//   POST /api/authenticator/requests/:id    approve or deny one (signed)
// Bad input is answered 400/401/410 with {"error": ...}; never a 500.
void AddAuthenticatorApi(http::Router& router, flows::PushApproval& push,
                         AuthenticatorApiOptions options);

}  // namespace secinfo::api
