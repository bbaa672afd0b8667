#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "methods/registry.h"
#include "store/store.h"

namespace secinfo::flows {

// One registered method as the Security info page lists it.
struct MethodEntry {
  store::Method method;
  bool is_default = false;       // the person's default sign-in method
  bool usable_for_mfa = false;   // the tenant allows it for two-step verification and it can serve
  bool usable_for_sspr = false;  // the same for password reset
  bool can_be_default = false;   // may be chosen as the default sign-in method
  // The ways it can prove the person at sign-in, each a possible default ("call", "sms"); when it
  // is the default, the way the person chose comes first.
  std::vector<methods::Proof> sign_in_proofs;
};

// What a change to the list of methods ended in.
enum class SecurityInfoOutcome {
  kDone,
  kNotFound,         // no such method for this person
  kCannotBeDefault,  // it cannot serve two-step verification (email, security questions), or
                     // not in the way asked (texting an office phone)
  kUnavailable,      // the database could not be reached; nothing changed
};

// What a method shows after its label, for the page and the audit log: a phone's number formatted
// for reading, an email address, an app's name. Empty for security questions (their detail is
// counted: QuestionsRegistration::AnswerCount).
std::string MethodDetail(const store::Method& m);

// The Security info page's own actions: listing a person's methods, deleting one, choosing the
// default sign-in method. Registration itself is the registration flows'. Every change is
// audit-logged. Thread-safe; `store` and `clock` must outlive it.
class SecurityInfo {
 public:
  SecurityInfo(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // The person's methods, oldest first, with what the tenant lets each do now.
  Result<std::vector<MethodEntry>> List(const store::User& user);
  // The kinds the person may add now: allowed by the tenant and offered to them (never security
  // questions for an administrator), in the registry's order.
  Result<std::vector<methods::MethodKind>> AddableKinds(const store::User& user);
  // One of the person's methods; NotFound unless it is theirs.
  Result<store::Method> Get(const store::User& user, int64_t method_id);

  // Deletes the method; a deleted default moves to the oldest method that can be one.
  SecurityInfoOutcome Delete(const store::User& user, int64_t method_id, std::string_view ip);
  // Makes the method the default sign-in method, proven by `proof` (nullopt: its first way).
  SecurityInfoOutcome SetDefault(const store::User& user, int64_t method_id,
                                 std::optional<methods::Proof> proof, std::string_view ip);

 private:
  // `proof`: how a new default proves the person, when chosen ("sms").
  void Audit(const store::User& user, std::string_view ip, std::string action,
             const store::Method& m, std::string_view proof = "");

  store::Store& store_;
  const Clock& clock_;
};

}  // namespace secinfo::flows
