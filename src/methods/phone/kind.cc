#include "methods/phone/phone_method.h"
#include "methods/registry.h"

namespace secinfo::methods::phone {

// A phone is proven by a call answered with '#'; mobiles can also get a code by SMS.
KindInfo Kind() {
  return {MethodKind::kPhone, "phone", "method_phone",
          /*mfa=*/true,
          /*sspr=*/true,
          /*allowed_by_default=*/true,
          [](const store::Method& m) {
            std::vector<Proof> proofs = {Proof::kCall};
            if (ParsePhoneType(m.phone_type) == PhoneType::kMobile) {
              proofs.push_back(Proof::kSmsCode);
            }
            return proofs;
          },
          "/security-info/phone", Detail::kPhoneNumber,
          // One label per type: "Mobile phone", "Office phone".
          [](const store::Method& m) { return "phone_type_" + m.phone_type; }};
}

}  // namespace secinfo::methods::phone
