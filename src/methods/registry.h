#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "store/types.h"

// The one list of method kinds. Each kind lives in its own folder (src/methods/<kind>/kind.cc) and
// declares there, in one place, what it can be used for and how it is proven. Nothing outside
// src/methods compares kind names: policy, store, flows and pages ask this registry. Adding a kind
// is its folder plus one line in registry.cc (and its page module in web/).
namespace secinfo::methods {

enum class MethodKind { kPhone, kAuthenticator, kEmail, kQuestions };

// What security info is used for.
enum class Purpose {
  kMfa,   // two-step verification at sign-in (and step-up)
  kSspr,  // self-service password reset
};

// How possession of a method is shown, once at registration and at every later use.
enum class Proof {
  kCall,       // a call answered with '#'
  kSmsCode,    // a code sent by SMS
  kEmailCode,  // a code sent by email
  kAppCode,    // a TOTP code from an authenticator app
  kPush,       // a request approved on a bound device by typing the number the page shows
  kAnswers,    // answers to security questions
};

// RFC 8176 Authentication Method Reference of a proof: "tel", "sms", "otp", "swk", "kba"; email
// codes have no registered value and use "otp".
std::string_view AmrOf(Proof p);
std::string_view ProofName(Proof p);  // "call", "sms", "app_code", ... (URLs, audit log)
std::optional<Proof> ParseProof(std::string_view name);

// What one kind declares about itself.
struct KindInfo {
  MethodKind kind;
  std::string_view name;           // "phone": stored, in URLs and in admin commands
  std::string_view label_key;      // catalog key of its display name, "method_phone"
  bool mfa = false;                // can serve two-step verification by nature
  bool sspr = false;               // can serve password reset by nature
  bool allowed_by_default = true;  // a tenant that never set a switch allows it
  // The proofs a registered method of this kind offers now (a phone's depend on its type, an
  // app's push on a bound device). In the order a page offers them.
  std::vector<Proof> (*proofs)(const store::Method& m) = nullptr;
};

// Every kind, in the order the wizard offers them.
std::span<const KindInfo> AllKinds();
const KindInfo& Info(MethodKind k);
std::string_view KindName(MethodKind k);
std::optional<MethodKind> ParseKind(std::string_view name);
// The info of a stored method's kind; nullptr for a kind this build does not know.
const KindInfo* InfoOf(const store::Method& m);

// By nature (before any tenant switch): email and questions prove too little for sign-in.
bool CanServe(MethodKind k, Purpose p);
// Can be the default sign-in method: exactly the kinds that can serve two-step verification.
bool CanBeDefault(MethodKind k);
// Proofs a registered method offers for `p` (empty when its kind cannot serve `p`).
std::vector<Proof> ProofsFor(const store::Method& m, Purpose p);

}  // namespace secinfo::methods
