#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "flows/sign_in/sign_in.h"
#include "flows/sign_in/verification.h"
#include "store/store.h"

namespace secinfo::flows {

enum class SecondStepNeed {
  kNone,      // the session may go anywhere
  kVerify,    // prove a method first ("Verify your identity")
  kRegister,  // register a method first ("Keep your account secure")
};

struct SecondStepState {
  SecondStepNeed need = SecondStepNeed::kNone;
  // The person has a method usable for sign-in: changing security info then needs a recent proof.
  bool has_sign_in_method = false;
  int64_t skips_left = 0;        // kRegister: times the person may still skip registering
  int64_t second_factor_at = 0;  // the session's last proof (a registration counts), 0: none
  store::SignInPolicy rules;
};

// Decides what a signed-in session still needs after the password, from the tenant's rules, the
// person's methods and what the session proved. Thread-safe.
class SecondStep {
 public:
  SecondStep(store::Store& store, Sessions& sessions, Verifier& verifier, const Clock& clock)
      : store_(store), sessions_(sessions), verifier_(verifier), clock_(clock) {}

  // A session that proved nothing yet, whose person's sign-in methods were all registered during
  // it, has just proven them: it is marked so ("registered") and needs nothing more.
  Result<SecondStepState> Evaluate(const Principal& p);

  // Skips registering once: false when the tenant allows no more skips.
  Result<bool> Skip(const Principal& p);

  // Changing security info needs a proof within the last minutes (step-up).
  bool NeedsStepUp(const Principal& p, const SecondStepState& s) const {
    Principal now = p;
    now.session.second_factor_at = s.second_factor_at;
    return s.has_sign_in_method && sessions_.StepUpStale(now);
  }

 private:
  store::Store& store_;
  Sessions& sessions_;
  Verifier& verifier_;
  const Clock& clock_;
};

}  // namespace secinfo::flows
