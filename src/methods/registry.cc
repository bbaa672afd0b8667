#include "methods/registry.h"

#include <array>
#include <utility>

namespace secinfo::methods {

// Each kind's declaration, in its own folder.
namespace phone {
KindInfo Kind();
}
namespace authenticator {
KindInfo Kind();
}
namespace email {
KindInfo Kind();
}
namespace questions {
KindInfo Kind();
}

namespace {

constexpr std::array<std::pair<Proof, std::string_view>, 6> kProofNames = {{
    {Proof::kCall, "call"},
    {Proof::kSmsCode, "sms"},
    {Proof::kEmailCode, "email"},
    {Proof::kAppCode, "app_code"},
    {Proof::kPush, "push"},
    {Proof::kAnswers, "answers"},
}};

const std::vector<KindInfo>& Kinds() {
  // The one list: a new kind is one more line here.
  static const std::vector<KindInfo> kKinds = {
      phone::Kind(),
      authenticator::Kind(),
      email::Kind(),
      questions::Kind(),
  };
  return kKinds;
}

}  // namespace

std::string_view AmrOf(Proof p) {
  switch (p) {
    case Proof::kCall:
      return "tel";
    case Proof::kSmsCode:
      return "sms";
    case Proof::kAppCode:
    case Proof::kEmailCode:
      return "otp";
    case Proof::kPush:
      return "swk";
    case Proof::kAnswers:
      return "kba";
  }
  return "otp";
}

std::string_view ProofName(Proof p) {
  for (const auto& [proof, name] : kProofNames) {
    if (proof == p) return name;
  }
  return "call";
}

std::optional<Proof> ParseProof(std::string_view name) {
  for (const auto& [proof, n] : kProofNames) {
    if (n == name) return proof;
  }
  return std::nullopt;
}

std::span<const KindInfo> AllKinds() { return Kinds(); }

const KindInfo& Info(MethodKind k) {
  for (const KindInfo& info : Kinds()) {
    if (info.kind == k) return info;
  }
  return Kinds().front();  // unreachable: every MethodKind is listed
}

std::string_view KindName(MethodKind k) { return Info(k).name; }

std::optional<MethodKind> ParseKind(std::string_view name) {
  for (const KindInfo& info : Kinds()) {
    if (info.name == name) return info.kind;
  }
  return std::nullopt;
}

const KindInfo& InfoOf(const store::Method& m) { return Info(m.kind); }

bool IsKind(std::string_view kind_name, MethodKind k) { return kind_name == KindName(k); }

std::string AuditName(MethodKind k, std::string_view phone_type) {
  std::string name(KindName(k));
  if (!phone_type.empty()) name += ":" + std::string(phone_type);
  return name;
}

std::string AuditName(const store::Method& m) {
  const KindInfo& info = InfoOf(m);
  return AuditName(m.kind, info.type_of != nullptr ? info.type_of(m) : "");
}

std::string DetailText(const store::Method& m) {
  const KindInfo& info = InfoOf(m);
  return info.detail_text != nullptr ? info.detail_text(m) : "";
}

std::string LabelKey(const store::Method& m) {
  const KindInfo& info = InfoOf(m);
  return info.label_key_of != nullptr ? info.label_key_of(m) : std::string(info.label_key);
}

bool CanServe(MethodKind k, Purpose p) {
  const KindInfo& info = Info(k);
  return p == Purpose::kMfa ? info.mfa : info.sspr;
}

bool CanBeDefault(MethodKind k) { return CanServe(k, Purpose::kMfa); }

bool CanBeDefault(std::string_view kind_name) {
  std::optional<MethodKind> k = ParseKind(kind_name);
  return k.has_value() && CanBeDefault(*k);
}

const ResetOffer* FindResetOffer(std::string_view name, const KindInfo** kind) {
  for (const KindInfo& info : Kinds()) {
    for (const ResetOffer& offer : info.reset_offers) {
      if (offer.name != name) continue;
      if (kind != nullptr) *kind = &info;
      return &offer;
    }
  }
  return nullptr;
}

bool ServesOffer(const store::Method& m, const ResetOffer& offer) {
  bool declared = false;
  for (const ResetOffer& o : InfoOf(m).reset_offers) declared = declared || &o == &offer;
  return declared && (offer.serves == nullptr || offer.serves(m));
}

std::vector<Proof> ProofsFor(const store::Method& m, Purpose p) {
  if (!CanServe(m.kind, p)) return {};
  return InfoOf(m).proofs(m);
}

}  // namespace secinfo::methods
