#include "methods/phone/phone_method.h"

#include <gtest/gtest.h>

#include "methods/phone/phone_data.h"

namespace secinfo::methods {
namespace {

store::Method Phone(int64_t id, std::string type, std::string e164) {
  store::Method m;
  m.id = id;
  phone::Put({std::move(type), std::move(e164)}, m);
  return m;
}

TEST(PhoneMethodTest, TypeNamesRoundTrip) {
  for (PhoneType t : kPhoneTypes) EXPECT_EQ(ParsePhoneType(PhoneTypeName(t)), t);
  EXPECT_FALSE(ParsePhoneType("fax").has_value());
  EXPECT_FALSE(ParsePhoneType("").has_value());
}

TEST(PhoneMethodTest, OneOfEachTypeAndNoNumberTwice) {
  std::vector<store::Method> existing = {Phone(1, "mobile", "+33612345678")};
  EXPECT_EQ(FindPhoneConflict(existing, PhoneType::kMobile, "+33700000000"),
            PhoneConflict::kTypeTaken);
  EXPECT_EQ(FindPhoneConflict(existing, PhoneType::kOffice, "+33612345678"),
            PhoneConflict::kNumberTaken);
  EXPECT_EQ(FindPhoneConflict(existing, PhoneType::kOffice, "+33425555123"), PhoneConflict::kNone);
  // Changing the mobile itself to a new number is no conflict.
  EXPECT_EQ(FindPhoneConflict(existing, PhoneType::kMobile, "+33700000000", 1),
            PhoneConflict::kNone);
}

}  // namespace
}  // namespace secinfo::methods
