#include "methods/email/email_method.h"

#include <gtest/gtest.h>

namespace secinfo::methods {
namespace {

TEST(EmailMethodTest, NormalizesDeliverableAddresses) {
  EXPECT_EQ(NormalizeEmail("  Ana.Lima@Example.ORG "), "Ana.Lima@example.org");
  EXPECT_EQ(NormalizeEmail("a+tag@sub.example.co.uk"), "a+tag@sub.example.co.uk");
}

TEST(EmailMethodTest, RefusesWhatCannotBeDelivered) {
  for (const char* bad :
       {"", "ana", "@example.org", "ana@", "ana@example", "ana@@example.org", "an a@example.org",
        "ana@exa mple.org", "ana@.example.org", "ana@example..org", "ana@example.org.",
        "<ana>@example.org", "ana@exämple.org"}) {
    EXPECT_FALSE(NormalizeEmail(bad).has_value()) << bad;
  }
  EXPECT_FALSE(NormalizeEmail(std::string(65, 'a') + "@example.org").has_value());
  EXPECT_FALSE(NormalizeEmail("a@" + std::string(250, 'b') + ".org").has_value());
}

}  // namespace
}  // namespace secinfo::methods
