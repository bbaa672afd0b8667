#include "methods/email/email_data.h"
#include "methods/registry.h"

namespace secinfo::methods::email {

// Anyone who has the password often has the mailbox too: email serves password reset only.
KindInfo Kind() {
  return {
      MethodKind::kEmail,
      "email",
      "method_email",
      /*mfa=*/false,
      /*sspr=*/true,
      /*allowed_by_default=*/true,
      [](const store::Method&) { return std::vector<Proof>{Proof::kEmailCode}; },
      "/security-info/email",
      Detail::kEmailAddress,
      [](const store::Method& m) { return DataOf(m).address; },
      /*type_of=*/nullptr,
      /*label_key_of=*/nullptr,
      /*offered_to_admins=*/true,
      {{"email", "reset_offer_email", Proof::kEmailCode, ResetInput::kNothing, false, nullptr}}};
}

}  // namespace secinfo::methods::email
