#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "channels/voice/simulated/simulated_voice.h"
#include "core/clock.h"
#include "core/config.h"
#include "core/random.h"
#include "flows/oidc/keys.h"
#include "flows/oidc/provider.h"
#include "flows/password/passwords.h"
#include "flows/password_reset/password_reset.h"
#include "flows/registration/app_registration.h"
#include "flows/registration/code_registration.h"
#include "flows/registration/phone_registration.h"
#include "flows/registration/push_approval.h"
#include "flows/sign_in/second_step.h"
#include "flows/sign_in/sign_in.h"
#include "flows/sign_in/verification.h"
#include "http/message.h"
#include "store/store.h"

namespace secinfo::web {

// What the web pages need. References must outlive the handler.
struct WebDeps {
  store::Store& store;
  flows::Sessions& sessions;
  flows::PhoneRegistration& phones;
  flows::CodeRegistration& codes;
  flows::AppRegistration& apps;
  flows::PushApproval& push;
  channels::SimulatedVoice* sim = nullptr;         // null when the simulated network is off
  store::SimMessageStore* sim_messages = nullptr;  // texts and mail of the simulated network
  const Clock& clock;
  Random& random;
  std::string csrf_key;                              // 32 secret bytes for CSRF tokens
  std::string public_url = "http://localhost:8080";  // where devices and links reach us
  std::string version = "dev";
  // What /readyz reports besides the database: provider name → its state (OK when ready).
  std::vector<std::pair<std::string, std::function<Status()>>> health_checks;
  // Sign-in's second step and step-up; null: the password alone signs in (tests of other pages).
  flows::Verifier* verifier = nullptr;
  flows::SecondStep* second_step = nullptr;
  // Password changes; null: no password page, and temporary passwords are not enforced.
  flows::Passwords* passwords = nullptr;
  // The OpenID Connect provider and its keys; null: no /oidc endpoints and no discovery.
  flows::oidc::Provider* oidc = nullptr;
  flows::oidc::SigningKeys* oidc_keys = nullptr;
  // Who may read /metrics.
  Config::Metrics metrics;
  // Self-service password reset; null: the portal answers that the page does not exist.
  flows::PasswordResets* resets = nullptr;
};

// The whole web application as one handler: pages, static files, the simulator, health checks,
// wrapped in security headers, language choice, session lookup and CSRF checks.
http::Handler BuildWebApp(WebDeps deps);

}  // namespace secinfo::web
