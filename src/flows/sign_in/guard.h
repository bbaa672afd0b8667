#pragma once

#include "core/clock.h"
#include "flows/notify/notifier.h"
#include "flows/proof.h"
#include "flows/sign_in/verification.h"
#include "store/store.h"

namespace secinfo::flows {

struct GuardOptions {
  VerificationOptions lockout;                     // the same limits as the Verifier's
  int64_t block_millis = 90LL * 24 * 3600 * 1000;  // a confirmed fraud report blocks this long
};

// Acts on proofs that ended outside a request (calls and device answers): counts failed
// verifications toward the lockout and clears them on success, and handles fraud reports per the
// tenant's rules (record, block, tell the tenant's notification addresses). Thread-safe.
class Guard final : public ProofObserver {
 public:
  Guard(store::Store& store, Notifier* notifier, const Clock& clock, GuardOptions options);
  void OnProofEnded(const ProofEnd& end) override;

 private:
  store::Store& store_;
  Notifier* notifier_;  // may be null: no mail
  const Clock& clock_;
  const GuardOptions options_;
};

}  // namespace secinfo::flows
