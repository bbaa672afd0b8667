#include "flows/sign_in/guard.h"

#include <spdlog/spdlog.h>

#include "core/metrics.h"
#include "flows/audit.h"

namespace secinfo::flows {

Guard::Guard(store::Store& store, Notifier* notifier, const Clock& clock, GuardOptions options)
    : store_(store), notifier_(notifier), clock_(clock), options_(options) {}

void Guard::OnProofEnded(const ProofEnd& end) {
  const int64_t now = clock_.NowMillis();
  const bool verifies = VerifiesExistingMethod(end.purpose);
  switch (end.outcome) {
    case ProofOutcome::kSucceeded:
      if (verifies) store_.sign_in().ClearFailures(end.user_id);
      return;
    case ProofOutcome::kFailed:
      // A wrong key or a wrong number typed on the device counts like a wrong code (NIST SP
      // 800-63B §5.2.2); it is counted after the fact, as the person's phone produced it.
      if (verifies) {
        store_.sign_in().ReserveCheck(end.user_id, now, options_.lockout.lock_every,
                                      options_.lockout.lock_millis, options_.lockout.max_failures);
      }
      return;
    case ProofOutcome::kTimedOut:
    case ProofOutcome::kCancelled:
      return;  // no answer is not a guess
    case ProofOutcome::kFraudReported:
    case ProofOutcome::kFraudConfirmed:
      break;
  }

  auto rules = store_.sign_in().GetPolicy(end.tenant_id);
  if (!rules.ok()) {
    spdlog::error("fraud report by user {} not handled: {}", end.user_id,
                  rules.status().ToString());
    return;
  }
  const std::string purpose(ProofPurposeName(end.purpose));
  const std::string_view proof = methods::ProofName(end.proof);
  if (!rules->fraud_alert) {
    metrics::FraudReports().Add({proof, "ignored"});
    RecordAudit(store_, clock_,
                {end.tenant_id, end.user_id, end.client_ip, "fraud_response", end.method, "ignored",
                 purpose + ": the tenant's fraud alert is off; " + end.detail});
    return;
  }
  // A call asks for 1 to confirm before blocking; "It's not me" on a device is explicit already.
  const bool confirmed =
      end.outcome == ProofOutcome::kFraudConfirmed || end.proof == methods::Proof::kPush;
  const bool block = rules->fraud_block && confirmed;
  if (block) {
    store::VerificationBlock b;
    b.user_id = end.user_id;
    b.tenant_id = end.tenant_id;
    b.blocked_at = now;
    b.until = now + options_.block_millis;
    b.reason = "fraud_report";
    b.detail = purpose + " " + end.method + " from " + end.client_ip;
    if (Status s = store_.sign_in().Block(b); !s.ok()) {
      spdlog::error("could not block user {} after a fraud report: {}", end.user_id, s.ToString());
    }
  }
  metrics::FraudReports().Add({proof, block ? "blocked" : "notified"});
  // The report itself is in the log already (the call's or the device's flow wrote it); this is
  // what was done about it.
  RecordAudit(store_, clock_,
              {end.tenant_id, end.user_id, end.client_ip, "fraud_response", end.method,
               block ? "blocked" : "notified", purpose + "; " + end.detail});
  if (notifier_) {
    notifier_->FraudReported(end.tenant_id, end.user_id, end.method, purpose, end.client_ip, block);
  }
}

}  // namespace secinfo::flows
