// Each kind's own record: what it writes into a method, what it reads back, and the keys that
// make the store refuse a second one.
#include <gtest/gtest.h>

#include "methods/authenticator/app_data.h"
#include "methods/email/email_data.h"
#include "methods/phone/phone_data.h"
#include "methods/questions/questions_data.h"
#include "methods/registry.h"

namespace secinfo::methods {
namespace {

TEST(KindDataTest, APhoneKeepsItsTypeAndNumberAndIsOnePerTypeAndNumber) {
  store::Method m;
  phone::Put({"office", "+33425555123"}, m);
  EXPECT_EQ(m.kind, MethodKind::kPhone);
  EXPECT_EQ(phone::DataOf(m).type, "office");
  EXPECT_EQ(phone::DataOf(m).number, "+33425555123");
  EXPECT_EQ(m.keys, (std::vector<std::string>{"phone_type:office", "number:+33425555123"}));
  EXPECT_EQ(DetailText(m), "+33425555123");
  EXPECT_EQ(LabelKey(m), "phone_type_office");
  EXPECT_EQ(AuditName(m), "phone:office");
}

TEST(KindDataTest, AnEmailMethodKeepsItsAddressAndIsOnePerPerson) {
  store::Method m;
  email::Put({"ana@example.org"}, m);
  EXPECT_EQ(m.kind, MethodKind::kEmail);
  EXPECT_EQ(email::DataOf(m).address, "ana@example.org");
  EXPECT_EQ(m.keys, std::vector<std::string>{"email"});
  EXPECT_EQ(DetailText(m), "ana@example.org");
  EXPECT_EQ(AuditName(m), "email");
}

TEST(KindDataTest, AnAppIsFoundByItsDeviceOnceOneIsBound) {
  store::Method m;
  m.secret = "c2VhbGVk";
  authenticator::Put({.name = "Pixel 8"}, m);
  EXPECT_TRUE(m.keys.empty());  // a person may have several apps
  EXPECT_EQ(DetailText(m), "Pixel 8");
  authenticator::AppData app = authenticator::DataOf(m);
  app.public_key = "cHVi";
  app.device_id = "dev-1";
  authenticator::Put(app, m);
  EXPECT_EQ(m.keys, std::vector<std::string>{authenticator::DeviceKey("dev-1")});
  EXPECT_EQ(authenticator::DataOf(m).name, "Pixel 8");
  EXPECT_EQ(authenticator::DataOf(m).public_key, "cHVi");
  EXPECT_EQ(authenticator::DataOf(m).device_id, "dev-1");
  EXPECT_EQ(m.secret, "c2VhbGVk");  // the seed is the method's, not the record's
}

TEST(KindDataTest, QuestionsAreOnePerPersonAndShowNoText) {
  store::Method m;
  questions::Put({}, m);
  EXPECT_EQ(m.kind, MethodKind::kQuestions);
  EXPECT_EQ(m.keys, std::vector<std::string>{"questions"});
  EXPECT_EQ(DetailText(m), "");
}

// A record this build never writes (empty, not JSON, fields of another type) reads as empty
// fields: it never throws.
TEST(KindDataTest, ARecordThatDoesNotParseReadsAsEmpty) {
  for (const char* data : {"", "not json", "[1,2]", R"({"type": 3, "number": null})"}) {
    store::Method m;
    m.kind = MethodKind::kPhone;
    m.data = data;
    EXPECT_EQ(phone::DataOf(m).type, "") << data;
    EXPECT_EQ(phone::DataOf(m).number, "") << data;
    EXPECT_EQ(DetailText(m), "") << data;
  }
  store::Method written;
  phone::Put({"mobile", "+33612345678"}, written);
  written.data.pop_back();  // cut short
  EXPECT_EQ(phone::DataOf(written).number, "");
}

}  // namespace
}  // namespace secinfo::methods
