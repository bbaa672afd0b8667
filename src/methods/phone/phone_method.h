#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "store/types.h"

namespace secinfo::methods {

// The phone method: a number proven by a call, registered as one of three types (one of each at
// most, as in Entra ID). Rules only; storage and calls are the flows' business.
enum class PhoneType { kMobile, kAlternateMobile, kOffice };

inline constexpr PhoneType kPhoneTypes[] = {PhoneType::kMobile, PhoneType::kAlternateMobile,
                                            PhoneType::kOffice};

std::string_view PhoneTypeName(PhoneType t);  // "mobile", "alternate_mobile", "office"
std::optional<PhoneType> ParsePhoneType(std::string_view name);

enum class PhoneConflict {
  kNone,
  kTypeTaken,    // the person already has a phone of this type
  kNumberTaken,  // the number is already registered under another type
};

// Whether registering `e164` as `type` clashes with the person's `existing` methods. A method whose
// id is `replacing` (a phone being changed) is left out of the comparison.
PhoneConflict FindPhoneConflict(const std::vector<store::Method>& existing, PhoneType type,
                                std::string_view e164, std::optional<int64_t> replacing = {});

}  // namespace secinfo::methods
