#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "methods/method_kind.h"
#include "store/types.h"

// The one list of method kinds. Each kind lives in its own folder (src/methods/<kind>/kind.cc) and
// declares there, in one place, what it can be used for and how it is proven. Nothing outside
// src/methods compares kind names: policy, store, flows and pages ask this registry. Adding a kind
// is its folder plus one line in registry.cc (and its page module in web/).
namespace secinfo::methods {

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

// What the Security info page shows after a method's label.
enum class Detail {
  kPhoneNumber,   // its number, formatted for reading ("+33 6 12 34 56 78")
  kEmailAddress,  // its address
  kName,          // the name the person gave it ("Pixel 8")
  kAnswerCount,   // how many answers are saved (counted in the store)
};

// What a person types at a password reset before anything is sent or called.
enum class ResetInput {
  kNothing,
  kPhoneNumber,  // the whole registered number, compared with it (so a reset never tells whose
                 // number it is)
};

// One way a kind of method proves a person at a password reset, as the portal words it, Entra ID
// style: "Text my mobile phone", "Answer my security questions".
struct ResetOffer {
  std::string_view name;       // "text_mobile": in forms, URLs and the reset's record
  std::string_view label_key;  // catalog key, "reset_offer_text_mobile"
  Proof proof = Proof::kCall;
  ResetInput input = ResetInput::kNothing;
  bool two_methods_only = false;  // offered only when two methods are required (push, as Entra)
  // Whether a registered method of the kind serves this offer (a phone's type); nullptr: all do.
  bool (*serves)(const store::Method& m) = nullptr;
};

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
  // Its wizard, "/security-info/phone": the Add method page links there, and a registered
  // method's "Change" link adds "?change=<id>".
  std::string_view page_path;
  Detail detail = Detail::kName;
  // The words `detail` shows, from the method's own data: a phone's number in E.164, an email
  // address, an app's name; nullptr: none (the answers are counted in the store).
  std::string (*detail_text)(const store::Method& m) = nullptr;
  // A registered method's type where its kind has types (a phone's "mobile"); nullptr: none.
  std::string (*type_of)(const store::Method& m) = nullptr;
  // The catalog key of a registered method's label when finer than label_key (a phone's type:
  // "phone_type_mobile"); nullptr: label_key.
  std::string (*label_key_of)(const store::Method& m) = nullptr;
  // Offered to tenant administrators. Security questions are not: knowledge is too weak a
  // factor for privileged accounts (as in Entra ID).
  bool offered_to_admins = true;
  // How the reset portal offers it, in display order; empty: not offered there.
  std::vector<ResetOffer> reset_offers;
};

// Every kind, in the order the wizard offers them.
std::span<const KindInfo> AllKinds();
const KindInfo& Info(MethodKind k);
std::string_view KindName(MethodKind k);
std::optional<MethodKind> ParseKind(std::string_view name);
// The info of a stored method's kind.
const KindInfo& InfoOf(const store::Method& m);
// Whether a stored method, or a stored kind name, is of kind `k`.
inline bool IsKind(const store::Method& m, MethodKind k) { return m.kind == k; }
bool IsKind(std::string_view kind_name, MethodKind k);
// How the audit log and proof reports name a method: its kind, and a phone's type
// ("phone:mobile", "email").
std::string AuditName(MethodKind k, std::string_view phone_type = "");
// The same for a registered method: its kind and type (KindInfo::type_of).
std::string AuditName(const store::Method& m);
// The catalog key of a registered method's label ("phone_type_mobile", "method_email").
std::string LabelKey(const store::Method& m);
// What the Security info page shows after a registered method's label, unformatted
// (KindInfo::detail_text): "+33612345678", "ana@example.org", "Pixel 8"; "" for none.
std::string DetailText(const store::Method& m);

// By nature (before any tenant switch): email and questions prove too little for sign-in.
bool CanServe(MethodKind k, Purpose p);
// Can be the default sign-in method: exactly the kinds that can serve two-step verification.
bool CanBeDefault(MethodKind k);
// Same for a stored kind name; false for a kind this build does not know.
bool CanBeDefault(std::string_view kind_name);
// A reset offer by name, with its kind; nullptr (and `kind` untouched) when there is none.
const ResetOffer* FindResetOffer(std::string_view name, const KindInfo** kind = nullptr);
// Whether registered method `m` can serve `offer` (its kind declares it, and it is of the type).
bool ServesOffer(const store::Method& m, const ResetOffer& offer);

// Proofs a registered method offers for `p` (empty when its kind cannot serve `p`).
std::vector<Proof> ProofsFor(const store::Method& m, Purpose p);

}  // namespace secinfo::methods
