#include "methods/phone/phone_method.h"

#include "methods/phone/phone_data.h"

namespace secinfo::methods {

std::string_view PhoneTypeName(PhoneType t) {
  switch (t) {
    case PhoneType::kMobile:
      return "mobile";
    case PhoneType::kAlternateMobile:
      return "alternate_mobile";
    case PhoneType::kOffice:
      return "office";
  }
  return "mobile";
}

std::optional<PhoneType> ParsePhoneType(std::string_view name) {
  for (PhoneType t : kPhoneTypes) {
    if (PhoneTypeName(t) == name) return t;
  }
  return std::nullopt;
}

PhoneConflict FindPhoneConflict(const std::vector<store::Method>& existing, PhoneType type,
                                std::string_view e164, std::optional<int64_t> replacing) {
  for (const store::Method& m : existing) {
    if (m.kind != MethodKind::kPhone || (replacing && m.id == *replacing)) continue;
    const phone::PhoneData d = phone::DataOf(m);
    if (d.type == PhoneTypeName(type)) return PhoneConflict::kTypeTaken;
    if (d.number == e164) return PhoneConflict::kNumberTaken;
  }
  return PhoneConflict::kNone;
}

}  // namespace secinfo::methods
