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
        "<ana>@example.org", "ana@exa_mple.org", "ana@-example.org"}) {
    EXPECT_FALSE(NormalizeEmail(bad).has_value()) << bad;
  }
  EXPECT_FALSE(NormalizeEmail(std::string(65, 'a') + "@example.org").has_value());
  EXPECT_FALSE(NormalizeEmail("a@" + std::string(250, 'b') + ".org").has_value());
}

TEST(EmailMethodTest, InternationalisedDomainsBecomeTheirALabelsAndTheLocalPartStaysAsTyped) {
  EXPECT_EQ(NormalizeEmail("Ana@exämple.org"), "Ana@xn--exmple-cua.org");
  EXPECT_EQ(NormalizeEmail("Ana@EXÄMPLE.ORG"), "Ana@xn--exmple-cua.org");
  EXPECT_EQ(NormalizeEmail("ana@ｅｘａｍｐｌｅ．ｏｒｇ"), "ana@example.org");  // full-width forms
  EXPECT_EQ(NormalizeEmail("ана@пример.рф"), "ана@xn--e1afmkfd.xn--p1ai");
}

TEST(EmailMethodTest, AddressesDifferingOnlyInCaseShareOneKey) {
  const std::string typed_low = *NormalizeEmail("ana@contoso.example");
  const std::string typed_up = *NormalizeEmail("ANA@Contoso.Example");
  EXPECT_EQ(typed_up, "ANA@contoso.example");  // shown and sent as typed
  EXPECT_EQ(DestinationKey(typed_low), DestinationKey(typed_up));
  EXPECT_EQ(DestinationKey(*NormalizeEmail("ÉLODIE@exämple.org")),
            DestinationKey(*NormalizeEmail("élodie@EXÄMPLE.org")));
  EXPECT_NE(DestinationKey("ana@contoso.example"), DestinationKey("ana2@contoso.example"));
  EXPECT_EQ(DestinationKey("+33425555123"), "+33425555123");
}

}  // namespace
}  // namespace secinfo::methods
