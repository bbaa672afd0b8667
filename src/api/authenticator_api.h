#pragma once

#include <chrono>

#include "api/poll_waiters.h"
#include "flows/registration/push_approval.h"
#include "http/router.h"

namespace secinfo::api {

struct AuthenticatorApiOptions {
  // A device's poll is answered as soon as a request for it is made on this node, within
  // `poll.recheck` when made on another, else with none after `poll.hold` (long-poll). A waiting
  // poll holds no worker thread. Polls past the limits are answered 429 (per device) or 503.
  PollWaitOptions poll;
  std::string api_base;  // "https://id.contoso.example/api/authenticator", given to devices
};

// The JSON API the companion device (`secinfo authenticator`) talks to:
//   POST /api/authenticator/enrol/:token    bind a device to an app
//   GET  /api/authenticator/requests        long-poll for pending requests (signed, single use)
//   POST /api/authenticator/requests/:id    approve or deny one (signed)
// Bad input is answered 400/401/410 with {"error": ...}; never a 500. Becomes `push`'s request
// listener, to wake the polls it parks.
void AddAuthenticatorApi(http::Router& router, flows::PushApproval& push,
                         AuthenticatorApiOptions options);

}  // namespace secinfo::api
