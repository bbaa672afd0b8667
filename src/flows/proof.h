#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/status.h"
#include "methods/registry.h"

// What every proof of security info shares. A proof (a call answered with '#', a code, an app code,
// a push approved) is started for a purpose and ends in a typed outcome; the caller decides what a
// success does: create the method (registration), raise a session's assurance (sign-in, step-up),
// or allow the next reset step (password reset).
namespace secinfo::flows {

enum class ProofPurpose { kRegister, kSignIn, kStepUp, kPasswordReset };

std::string_view ProofPurposeName(ProofPurpose p);  // "register", "sign_in", "step_up", ...
std::optional<ProofPurpose> ParseProofPurpose(std::string_view name);
// Every purpose but registration verifies someone with a method they already have.
inline bool VerifiesExistingMethod(ProofPurpose p) { return p != ProofPurpose::kRegister; }

// Moves `chosen` (a proof's name, as store::User::default_proof keeps it) to the front of `proofs`
// when it is one of them; otherwise leaves them in the kind's order.
void PutChosenProofFirst(std::string_view chosen, std::vector<methods::Proof>& proofs);

enum class ProofOutcome {
  kSucceeded,
  kFailed,          // a wrong code, a wrong key, a wrong number typed on the device
  kFraudReported,   // 0# in a call, "It's not me" on a device
  kFraudConfirmed,  // the same, confirmed with 1 when the tenant blocks on reports
  kTimedOut,        // no answer, no key, the request expired: not counted as a failure
  kCancelled,       // given up, or something outside the person's hands (busy, provider down)
};

// A proof that ended, as its flow reports it.
struct ProofEnd {
  int64_t tenant_id = 0;
  int64_t user_id = 0;
  ProofPurpose purpose = ProofPurpose::kRegister;
  methods::Proof proof = methods::Proof::kCall;
  ProofOutcome outcome = ProofOutcome::kFailed;
  std::string method;     // "phone:mobile", as in the audit log
  std::string client_ip;  // who asked for it
  std::string detail;     // for operators: "+33 6 … pressed 0#"
};

// Told of every proof that ended (lockouts and fraud handling live behind it). Called on any
// thread, after the outcome is stored; must not block for long.
class ProofObserver {
 public:
  virtual ~ProofObserver() = default;
  virtual void OnProofEnded(const ProofEnd& end) = 0;
};

// Reads a record, lets `change` edit a copy, and writes it back only over the version read
// (compare-and-set), retrying when someone else wrote first. `change` returns false to leave the
// record as it is. Returns the record as written (or as read, when unchanged).
// `get`: () -> Result<R>; `write`: (R&) -> Status, FailedPrecondition on a stale version (it may
// adjust the record it writes, e.g. with an id it created).
template <typename R, typename Get, typename Change, typename Write>
Result<R> CompareAndSet(Get get, Change change, Write write, int max_tries = 16) {
  for (int tries = 0; tries < max_tries; ++tries) {
    Result<R> current = get();
    if (!current.ok()) return current.status();
    R next = *current;
    if (!change(next)) return next;
    Status written = write(next);
    if (written.ok()) {
      next.version += 1;
      return next;
    }
    if (written.code() != Status::Code::kFailedPrecondition) return written;
  }
  return Status::Unavailable("record kept changing under us");
}

}  // namespace secinfo::flows
