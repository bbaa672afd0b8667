#include "methods/authenticator/app_data.h"
#include "methods/registry.h"

namespace secinfo::methods::authenticator {
namespace {

bool Bound(const store::Method& m) { return !DataOf(m).device_id.empty(); }

}  // namespace

// An authenticator app proves itself with a TOTP code, and with push approval once a device is
// bound to it (offered first then: it asks the person for less).
KindInfo Kind() {
  return {
      MethodKind::kAuthenticator,
      "authenticator",
      "method_authenticator",
      /*mfa=*/true,
      /*sspr=*/true,
      /*allowed_by_default=*/true,
      [](const store::Method& m) {
        std::vector<Proof> proofs;
        if (Bound(m)) proofs.push_back(Proof::kPush);
        proofs.push_back(Proof::kAppCode);
        return proofs;
      },
      "/security-info/authenticator",
      Detail::kName,
      [](const store::Method& m) { return DataOf(m).name; },
      /*type_of=*/nullptr,
      /*label_key_of=*/nullptr,
      /*offered_to_admins=*/true,
      {{"app_code", "reset_offer_app_code", Proof::kAppCode, ResetInput::kNothing, false, nullptr},
       // A push needs a device bound to the app; Entra ID offers it only as one of two.
       {"push", "reset_offer_push", Proof::kPush, ResetInput::kNothing,
        /*two_methods_only=*/true, Bound}}};
}

}  // namespace secinfo::methods::authenticator
