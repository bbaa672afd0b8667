#include "methods/phone/phone_data.h"
#include "methods/phone/phone_method.h"
#include "methods/registry.h"

namespace secinfo::methods::phone {
namespace {

bool IsMobile(const store::Method& m) {
  return ParsePhoneType(DataOf(m).type) == PhoneType::kMobile;
}
bool IsOffice(const store::Method& m) {
  return ParsePhoneType(DataOf(m).type) == PhoneType::kOffice;
}

}  // namespace

// A phone is proven by a call answered with '#'; mobiles can also get a code by SMS.
KindInfo Kind() {
  return {MethodKind::kPhone,
          "phone",
          "method_phone",
          /*mfa=*/true,
          /*sspr=*/true,
          /*allowed_by_default=*/true,
          [](const store::Method& m) {
            std::vector<Proof> proofs = {Proof::kCall};
            if (IsMobile(m)) {
              proofs.push_back(Proof::kSmsCode);
            }
            return proofs;
          },
          "/security-info/phone",
          Detail::kPhoneNumber,
          [](const store::Method& m) { return DataOf(m).number; },
          [](const store::Method& m) { return DataOf(m).type; },
          // One label per type: "Mobile phone", "Office phone".
          [](const store::Method& m) { return "phone_type_" + DataOf(m).type; },
          /*offered_to_admins=*/true,
          // As Entra ID: the mobile by text or call, the office phone by call. The alternate
          // mobile serves sign-in only.
          {{"text_mobile", "reset_offer_text_mobile", Proof::kSmsCode, ResetInput::kPhoneNumber,
            false, IsMobile},
           {"call_mobile", "reset_offer_call_mobile", Proof::kCall, ResetInput::kPhoneNumber, false,
            IsMobile},
           {"call_office", "reset_offer_call_office", Proof::kCall, ResetInput::kPhoneNumber, false,
            IsOffice}}};
}

}  // namespace secinfo::methods::phone
