#pragma once

#include <string>
#include <string_view>

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

// Sign-in's second step (or step-up) taken with a code.
struct CodeStep {
  // Not OK when the database failed: then nothing of the step was kept and the outcome below
  // must not be shown (it was never committed).
  Status status;
  VerifyStartError start = VerifyStartError::kNone;  // ProveWithAppCode: why it did not start
  std::string id;           // the verification, once started and while it waits for a code
  VerifyCodeResult result;  // the code's outcome, once started
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

  // Uses the proven verification `id` of this session: marks it used and raises the session's
  // assurance with its factor, both or neither. FailedPrecondition when it is not proven or was
  // used already; NotFound when it is another session's.
  Status Complete(const Principal& p, std::string_view id);

  // A code typed for the started verification `id` and, when it is right, Complete: the check
  // (counted before it is made), its outcome, the verification and the session's assurance are
  // committed together before this returns.
  CodeStep SubmitCode(const Principal& p, std::string_view id, std::string_view code);

  // The same for a code from an authenticator app typed on the first page (`r`, an app-code
  // proof): checks the code and, when right, raises the session, all in one transaction (the
  // code's time step is marked used in it, so a replay is refused on any node once this
  // returned). An accepted code leaves no verification behind (`id` is empty); any other outcome
  // leaves one pending, whose page takes another code (Verifier::ProveAppCode).
  CodeStep ProveWithAppCode(const Principal& p, const VerifyRequest& r, std::string_view code);

  // Changing security info needs a proof within the last minutes (step-up).
  bool NeedsStepUp(const Principal& p, const SecondStepState& s) const {
    Principal now = p;
    now.session.second_factor_at = s.second_factor_at;
    return s.has_sign_in_method && sessions_.StepUpStale(now);
  }

 private:
  // Verifier::SubmitCode, then Complete when accepted. Not OK when Complete failed.
  Status CheckAndComplete(const Principal& p, std::string_view id, std::string_view code,
                          VerifyCodeResult* result);

  store::Store& store_;
  Sessions& sessions_;
  Verifier& verifier_;
  const Clock& clock_;
};

}  // namespace secinfo::flows
