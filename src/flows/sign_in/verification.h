#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "flows/proof.h"
#include "flows/registration/app_registration.h"
#include "flows/registration/code_registration.h"
#include "flows/registration/phone_registration.h"
#include "flows/registration/push_approval.h"
#include "store/store.h"

namespace secinfo::flows {

struct VerificationOptions {
  int64_t validity_millis = 10 * 60 * 1000;  // a started verification must end within this
  // NIST SP 800-63B §5.2.2: lock after consecutive failures, for a while, then for good.
  int64_t lock_every = 10;               // failures that lock verification
  int64_t lock_millis = 15 * 60 * 1000;  // for this long
  int64_t max_failures = 100;            // then only an administrator unlocks
};

// One of a person's methods that can prove them for a purpose, with the ways it can.
struct MethodChoice {
  store::Method method;
  std::vector<methods::Proof> proofs;  // in the order offered; the first is the method's default
};

enum class VerifyStartError {
  kNone,
  kMethodNotFound,      // not the person's, or not usable for this purpose
  kProofNotOffered,     // that method cannot prove this way (a text to an office phone)
  kLocked,              // too many failures: wait (or ask an administrator)
  kBlocked,             // blocked after a fraud report
  kTooMany,             // calls or texts: too many in the hour
  kDestinationRefused,  // the tenant's toll-fraud rules refuse that number now
  kSendFailed,          // the provider could not place the call or send the text
  kInternal,
};

struct VerifyRequest {
  store::User user;
  std::string binding;  // SHA-256 hex of the session (or reset) token this proof will serve
  ProofPurpose purpose = ProofPurpose::kSignIn;
  int64_t method_id = 0;
  methods::Proof proof = methods::Proof::kCall;
  std::string locale;
  std::string client_ip;
};

struct VerifyStart {
  VerifyStartError error = VerifyStartError::kNone;
  std::string id;  // the verification, on success
};

// What a verification page shows.
struct VerificationView {
  store::Verification v;
  store::Method method;
  methods::Proof proof = methods::Proof::kCall;
  std::optional<store::CallAttempt> call;                            // proof kCall
  std::optional<store::CodeChallenge> code;                          // proofs by code sent
  store::DeliveryState delivery = store::DeliveryState::kNoReceipt;  // proof kSmsCode: the receipt
  std::optional<store::PushChallenge> push;                          // proof kPush
  bool succeeded = false;                                            // proven: Consume may use it
  bool final = false;                                                // nothing more will happen
};

enum class VerifyCodeOutcome {
  kAccepted,
  kRejected,    // wrong code; tries_left more on this code
  kMalformed,   // not six digits
  kExpired,     // ask for a new one
  kCodeLocked,  // too many wrong tries on this code: ask for a new one
  kReplayed,    // an app code already used
  kLocked,      // too many failures for the person: verification is locked
  kBlocked,     // blocked after a fraud report
  kNotPending,  // already used, or not a code proof
  kUnavailable,
};

struct VerifyCodeResult {
  VerifyCodeOutcome outcome = VerifyCodeOutcome::kRejected;
  int64_t tries_left = 0;
};

// An app code typed with the choice of method (Verifier::ProveAppCode).
struct AppCodeProof {
  VerifyStartError start = VerifyStartError::kNone;  // why it could not be tried
  std::string id;  // the verification left pending when the code was not accepted, else ""
  VerifyCodeResult result;
};

// Where a person stands for sign-in verification.
struct Standing {
  bool blocked = false;
  bool locked = false;
  int64_t locked_until = 0;  // when locked for a while; 0 when only an administrator can unlock
};

// Proves a person with a method they already registered, for sign-in, step-up or password reset,
// and says whether it worked; the caller decides what success does (Consume, once). Each proof is
// bound to the session or reset it serves. Every check is reserved before it is made
// (store::SignInStore::ReserveCheck), so no number of parallel tries buys more than the limit.
// All state is in the store. Thread-safe.
class Verifier {
 public:
  Verifier(store::Store& store, PhoneRegistration& phones, CodeRegistration& codes,
           AppRegistration& apps, PushApproval& push, const Clock& clock, Random& random,
           VerificationOptions options);

  // The person's methods that can prove `purpose` (the tenant allows them for it), the default
  // method first.
  Result<std::vector<MethodChoice>> Choices(const store::User& user, methods::Purpose purpose);

  Standing StandingOf(const store::User& user);

  // Calls, texts or pushes, per the proof; an app code needs nothing sent.
  VerifyStart Start(const VerifyRequest& request);

  // The verification as it stands, its proof's timeouts applied. NotFound unless it is bound to
  // `binding`.
  Result<VerificationView> Get(std::string_view id, std::string_view binding);

  // A code typed for a text or app proof.
  VerifyCodeResult SubmitCode(std::string_view id, std::string_view binding, std::string_view code);

  // Start and SubmitCode at once for an app code typed with the choice of method (`request.proof`
  // kAppCode), in the caller's unit of work. An accepted code keeps no verification: it is
  // proven and, by the caller, used in the same transaction, so only its audit line is written.
  // Any other outcome leaves the verification pending (its id in the answer), as Start does, so
  // that its page takes another code.
  AppCodeProof ProveAppCode(const VerifyRequest& request, std::string_view code);

  // The questions an answers proof asks (their ids: "question_predefined_07", "custom:3"), in the
  // order asked. NotFound unless it is a pending answers proof bound to `binding`.
  Result<std::vector<std::string>> AskedQuestions(std::string_view id, std::string_view binding);

  // Answers typed for an answers proof, in the order asked. Every answer is checked (Argon2id),
  // whatever the others give; any wrong one fails the proof without saying which (kRejected), so
  // the next try starts a new proof, which draws its questions again. kMalformed when the count
  // differs from the questions asked.
  VerifyCodeResult SubmitAnswers(std::string_view id, std::string_view binding,
                                 const std::vector<std::string>& answers);

  // Uses a proven verification, once: FailedPrecondition when it is not proven or was used.
  Result<store::Verification> Consume(std::string_view id, std::string_view binding);

 private:
  // What Start checks before it starts: the person may try now, and `request`'s method is theirs
  // and proves its way for its purpose (then `*chosen` is that method).
  VerifyStartError Choose(const VerifyRequest& request, MethodChoice* chosen);
  // A pending verification for `request`, not yet stored.
  store::Verification NewVerification(const VerifyRequest& request);
  // Reserves one check for the person: kNone, kLocked or kBlocked.
  VerifyCodeOutcome Reserve(const store::User& user);
  // Reserves the check, then checks `code` for `v`'s proof (an app code against `app` when given,
  // else against the stored method); a right code clears the person's failures. Audits nothing.
  VerifyCodeResult CheckCode(methods::Proof proof, const store::Verification& v,
                             const store::User& user, std::string_view code,
                             const store::Method* app);
  // The audit line of a check that was not accepted, if it changed anything.
  void AuditCheck(const store::Verification& v, std::string_view user_name,
                  VerifyCodeOutcome outcome);
  Result<store::Verification> Load(std::string_view id, std::string_view binding);
  // Moves a pending verification to `state` (compare-and-set).
  Result<store::Verification> Settle(std::string_view id, store::VerificationState state);
  // `user_name`: the person's, when at hand ("" reads it).
  void Audit(const store::Verification& v, std::string_view user_name, std::string action,
             std::string result, std::string detail = "");

  store::Store& store_;
  PhoneRegistration& phones_;
  CodeRegistration& codes_;
  AppRegistration& apps_;
  PushApproval& push_;
  const Clock& clock_;
  Random& random_;
  const VerificationOptions options_;
};

}  // namespace secinfo::flows
