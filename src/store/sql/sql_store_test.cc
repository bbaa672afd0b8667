#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "store/sql/store_test_fixture.h"

// The store contract, record by record.
namespace secinfo::store::test {
namespace {

TEST_P(StoreContractTest, PingAnswers) { EXPECT_OK(store_->Ping()); }

TEST_P(StoreContractTest, TenantsAreFoundByIdAndDomain) {
  Result<int64_t> fabrikam = store_->tenants().Create(Tenant{.name = "Fabrikam",
                                                             .domain = "fabrikam.example",
                                                             .default_locale = "en",
                                                             .default_region = "US"});
  ASSERT_TRUE(fabrikam.ok());

  Result<Tenant> got = store_->tenants().Get(*fabrikam);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->name, "Fabrikam");
  EXPECT_EQ(got->default_locale, "en");
  EXPECT_EQ(got->default_region, "US");

  Result<Tenant> by_domain = store_->tenants().FindByDomain("contoso.example");
  ASSERT_TRUE(by_domain.ok());
  EXPECT_EQ(by_domain->id, tenant_id_);

  Result<std::vector<Tenant>> all = store_->tenants().List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].domain, "contoso.example");
  EXPECT_EQ((*all)[1].domain, "fabrikam.example");

  EXPECT_EQ(store_->tenants().Get(9999).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->tenants().FindByDomain("nope.example").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->tenants()
                .Create(Tenant{.name = "Again",
                               .domain = "contoso.example",
                               .default_locale = "fr",
                               .default_region = "FR"})
                .status()
                .code(),
            Code::kAlreadyExists);
}

TEST_P(StoreContractTest, MethodSwitchesAreSetAndOverwritten) {
  auto none = store_->tenants().GetMethodSwitches(tenant_id_);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  EXPECT_OK(store_->tenants().SetMethodSwitch(tenant_id_, {"phone", true, true, false}));
  EXPECT_OK(store_->tenants().SetMethodSwitch(tenant_id_, {"email", true, false, true}));
  EXPECT_OK(store_->tenants().SetMethodSwitch(tenant_id_, {"email", false, false, true}));

  auto switches = store_->tenants().GetMethodSwitches(tenant_id_);
  ASSERT_TRUE(switches.ok());
  ASSERT_EQ(switches->size(), 2u);
  EXPECT_EQ((*switches)[0].method, "email");
  EXPECT_FALSE((*switches)[0].enabled);
  EXPECT_TRUE((*switches)[0].sspr);
  EXPECT_EQ((*switches)[1].method, "phone");
  EXPECT_TRUE((*switches)[1].enabled);
  EXPECT_TRUE((*switches)[1].mfa);
  EXPECT_FALSE((*switches)[1].sspr);

  EXPECT_EQ(store_->tenants().SetMethodSwitch(9999, {"phone", true, true, true}).code(),
            Code::kNotFound);
}

TEST_P(StoreContractTest, UsersAreCreatedFoundAndUpdated) {
  Result<int64_t> admin = store_->users().Create(User{.tenant_id = tenant_id_,
                                                      .username = "admin@contoso.example",
                                                      .display_name = "Admin",
                                                      .password_hash = "$argon2id$a",
                                                      .locale = "en",
                                                      .default_method_id = std::nullopt,
                                                      .is_admin = true,
                                                      .created_at = kT0 + 5});
  ASSERT_TRUE(admin.ok());

  Result<User> got = store_->users().Get(*admin);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->tenant_id, tenant_id_);
  EXPECT_EQ(got->username, "admin@contoso.example");
  EXPECT_EQ(got->display_name, "Admin");
  EXPECT_EQ(got->password_hash, "$argon2id$a");
  EXPECT_EQ(got->locale, "en");
  EXPECT_TRUE(got->is_admin);
  EXPECT_EQ(got->default_method_id, std::nullopt);
  EXPECT_EQ(got->created_at, kT0 + 5);

  Result<User> ana = store_->users().FindByUsername("ana@contoso.example");
  ASSERT_TRUE(ana.ok());
  EXPECT_EQ(ana->id, ana_);
  EXPECT_FALSE(ana->is_admin);
  EXPECT_EQ(store_->users().FindByUsername("ANA@contoso.example").status().code(), Code::kNotFound);

  User twin = *store_->users().Get(ana_);
  twin.display_name = "Another Ana";
  EXPECT_EQ(store_->users().Create(twin).status().code(), Code::kAlreadyExists);

  Result<std::vector<User>> listed = store_->users().ListForTenant(tenant_id_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].username, "admin@contoso.example");
  EXPECT_EQ((*listed)[1].username, "ana@contoso.example");

  EXPECT_OK(store_->users().SetPasswordHash(ana_, "$argon2id$new"));
  EXPECT_OK(store_->users().SetLocale(ana_, "fr"));
  ana = store_->users().Get(ana_);
  ASSERT_TRUE(ana.ok());
  EXPECT_EQ(ana->password_hash, "$argon2id$new");
  EXPECT_EQ(ana->locale, "fr");

  EXPECT_EQ(store_->users().Get(9999).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->users().SetLocale(9999, "fr").code(), Code::kNotFound);
  EXPECT_EQ(store_->users().SetPasswordHash(9999, "x").code(), Code::kNotFound);
}

TEST_P(StoreContractTest, DefaultMethodMustBelongToTheUser) {
  int64_t bob = NewUser("bob");
  int64_t anas = AddPhone(ana_, "a1", "mobile", "+33612345678", kT0);
  int64_t bobs = AddPhone(bob, "b1", "mobile", "+33687654321", kT0);

  EXPECT_EQ(store_->users().SetDefaultMethod(ana_, bobs, "").code(), Code::kNotFound);
  EXPECT_OK(store_->users().SetDefaultMethod(ana_, std::nullopt, ""));
  EXPECT_EQ(store_->users().Get(ana_)->default_method_id, std::nullopt);
  EXPECT_OK(store_->users().SetDefaultMethod(ana_, anas, ""));
  EXPECT_EQ(store_->users().Get(ana_)->default_method_id, anas);
  EXPECT_EQ(store_->users().Get(ana_)->default_proof, "");

  // A mobile that the person wants texted rather than called.
  EXPECT_OK(store_->users().SetDefaultMethod(ana_, anas, "sms"));
  EXPECT_EQ(store_->users().Get(ana_)->default_proof, "sms");
  // No default method, no way of proving it.
  EXPECT_OK(store_->users().SetDefaultMethod(ana_, std::nullopt, "sms"));
  EXPECT_EQ(store_->users().Get(ana_)->default_proof, "");
}

TEST_P(StoreContractTest, SessionsExpire) {
  Session s{.id_hash = "h1",
            .user_id = ana_,
            .tenant_id = tenant_id_,
            .created_at = kT0,
            .last_seen_at = kT0,
            .expires_at = kT0 + 60'000};
  ASSERT_OK(store_->sessions().Create(s));
  EXPECT_EQ(store_->sessions().Create(s).code(), Code::kAlreadyExists);

  Result<Session> got = store_->sessions().Get("h1", kT0 + 59'999);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->user_id, ana_);
  EXPECT_EQ(got->tenant_id, tenant_id_);
  EXPECT_EQ(got->expires_at, kT0 + 60'000);
  EXPECT_EQ(store_->sessions().Get("h1", kT0 + 60'000).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->sessions().Get("other", kT0).status().code(), Code::kNotFound);

  // Touching slides the expiry; an expired session cannot be revived.
  EXPECT_OK(store_->sessions().Touch("h1", kT0 + 30'000, kT0 + 90'000));
  got = store_->sessions().Get("h1", kT0 + 80'000);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->last_seen_at, kT0 + 30'000);
  EXPECT_EQ(store_->sessions().Touch("h1", kT0 + 90'000, kT0 + 200'000).code(), Code::kNotFound);

  ASSERT_OK(store_->sessions().Create(Session{
      .id_hash = "h2", .user_id = ana_, .tenant_id = tenant_id_, .expires_at = kT0 + 1000}));
  ASSERT_OK(store_->sessions().Create(Session{
      .id_hash = "h3", .user_id = ana_, .tenant_id = tenant_id_, .expires_at = kT0 + 1000}));
  EXPECT_OK(store_->sessions().Delete("h2"));
  EXPECT_EQ(store_->sessions().Get("h2", kT0).status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->sessions().Get("h3", kT0).ok());
  EXPECT_OK(store_->sessions().DeleteForUser(ana_));
  EXPECT_EQ(store_->sessions().Get("h3", kT0).status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, CallAttemptRoundTripsEveryField) {
  CallAttempt a = NewAttempt("att-1", ana_, "office", "+33425555123");
  a.extension_removed = true;
  a.digits = "12";
  a.ringing_at = kT0 + 1;
  a.answered_at = kT0 + 2;
  a.version = 42;  // ignored: creation stores version 1
  ASSERT_OK(store_->call_attempts().Create(a));
  EXPECT_EQ(store_->call_attempts().Create(a).code(), Code::kAlreadyExists);

  Result<CallAttempt> got = store_->call_attempts().Get("att-1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->tenant_id, tenant_id_);
  EXPECT_EQ(got->user_id, ana_);
  EXPECT_EQ(got->purpose, "register");
  EXPECT_EQ(got->phone_e164, "+33425555123");
  EXPECT_EQ(got->phone_type, "office");
  EXPECT_TRUE(got->extension_removed);
  EXPECT_EQ(got->locale, "fr");
  EXPECT_EQ(got->state, CallState::kPlacing);
  EXPECT_EQ(got->provider, "simulated");
  EXPECT_EQ(got->provider_call_id, "sim-att-1");
  EXPECT_EQ(got->digits, "12");
  EXPECT_EQ(got->client_ip, "192.0.2.7");
  EXPECT_EQ(got->created_at, kT0);
  EXPECT_EQ(got->updated_at, kT0);
  EXPECT_EQ(got->ringing_at, kT0 + 1);
  EXPECT_EQ(got->answered_at, kT0 + 2);
  EXPECT_EQ(got->ended_at, 0);
  EXPECT_EQ(got->method_id, std::nullopt);
  EXPECT_EQ(got->version, 1);

  Result<CallAttempt> by_call =
      store_->call_attempts().FindByProviderCall("simulated", "sim-att-1");
  ASSERT_TRUE(by_call.ok());
  EXPECT_EQ(by_call->id, "att-1");
  EXPECT_EQ(store_->call_attempts().FindByProviderCall("sip", "sim-att-1").status().code(),
            Code::kNotFound);
  EXPECT_EQ(store_->call_attempts().Get("att-2").status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, CallAttemptUpdateIsCompareAndSet) {
  ASSERT_OK(store_->call_attempts().Create(NewAttempt("att-1", ana_, "mobile", "+33612345678")));
  CallAttempt a = *store_->call_attempts().Get("att-1");

  CallAttempt ringing = a;
  ringing.state = CallState::kRinging;
  ringing.ringing_at = kT0 + 10;
  ASSERT_OK(store_->call_attempts().Update(ringing));

  // A writer still holding version 1 loses, and its write is not applied.
  CallAttempt stale = a;
  stale.state = CallState::kFailed;
  EXPECT_EQ(store_->call_attempts().Update(stale).code(), Code::kFailedPrecondition);
  CallAttempt now = *store_->call_attempts().Get("att-1");
  EXPECT_EQ(now.state, CallState::kRinging);
  EXPECT_EQ(now.ringing_at, kT0 + 10);
  EXPECT_EQ(now.version, 2);

  now.state = CallState::kAnswered;
  EXPECT_OK(store_->call_attempts().Update(now));
  EXPECT_EQ(store_->call_attempts().Get("att-1")->version, 3);

  CallAttempt missing = NewAttempt("nope", ana_, "mobile", "+33600000000");
  missing.version = 1;
  EXPECT_EQ(store_->call_attempts().Update(missing).code(), Code::kNotFound);
}

TEST_P(StoreContractTest, LiveAttemptsAreListedNewestFirst) {
  ASSERT_OK(store_->call_attempts().Create(NewAttempt("old", ana_, "mobile", "+336001", kT0)));
  ASSERT_OK(store_->call_attempts().Create(NewAttempt("new", ana_, "office", "+336002", kT0 + 5)));
  CallAttempt ended = NewAttempt("ended", ana_, "mobile", "+336003", kT0 + 9);
  ended.ended_at = kT0 + 10;
  ASSERT_OK(store_->call_attempts().Create(ended));
  int64_t bob = NewUser("bob");
  ASSERT_OK(store_->call_attempts().Create(NewAttempt("bobs", bob, "mobile", "+336004", kT0)));

  Result<std::vector<CallAttempt>> live = store_->call_attempts().ListLiveForUser(ana_);
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  ASSERT_EQ(live->size(), 2u);
  EXPECT_EQ((*live)[0].id, "new");
  EXPECT_EQ((*live)[1].id, "old");
}

TEST_P(StoreContractTest, LiveAttemptsOfEveryoneAreListedOldestFirst) {
  int64_t ben = NewUser("ben");
  ASSERT_OK(store_->call_attempts().Create(NewAttempt("old", ana_, "mobile", "+33612345678", kT0)));
  ASSERT_OK(
      store_->call_attempts().Create(NewAttempt("mid", ben, "mobile", "+33612345679", kT0 + 5)));
  ASSERT_OK(
      store_->call_attempts().Create(NewAttempt("new", ana_, "office", "+33425555123", kT0 + 9)));
  CallAttempt ended = NewAttempt("done", ben, "office", "+33425555124", kT0 + 1);
  ended.ended_at = kT0 + 2;
  ASSERT_OK(store_->call_attempts().Create(ended));

  auto live = store_->call_attempts().ListLiveCreatedBefore(kT0 + 9, 10);
  ASSERT_TRUE(live.ok()) << live.status().ToString();
  ASSERT_EQ(live->size(), 2u);
  EXPECT_EQ((*live)[0].id, "old");
  EXPECT_EQ((*live)[1].id, "mid");
  EXPECT_EQ(store_->call_attempts().ListLiveCreatedBefore(kT0 + 100, 1)->size(), 1u);
}

TEST_P(StoreContractTest, FirstConfirmedMethodBecomesTheDefault) {
  ASSERT_OK(store_->call_attempts().Create(NewAttempt("a1", ana_, "mobile", "+33612345678")));
  CallAttempt a1 = *store_->call_attempts().Get("a1");
  Result<int64_t> first = Confirm(a1, kT0 + 100);
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  CallAttempt after = *store_->call_attempts().Get("a1");
  EXPECT_EQ(after.method_id, *first);
  EXPECT_EQ(after.state, CallState::kConfirmed);
  EXPECT_EQ(after.version, 2);
  EXPECT_EQ(store_->users().Get(ana_)->default_method_id, *first);

  Result<Method> method = store_->methods().Get(ana_, *first);
  ASSERT_TRUE(method.ok()) << method.status().ToString();
  EXPECT_EQ(method->kind, methods::MethodKind::kPhone);
  EXPECT_EQ(methods::phone::DataOf(*method).type, "mobile");
  EXPECT_EQ(methods::phone::DataOf(*method).number, "+33612345678");
  EXPECT_EQ(method->created_at, kT0 + 100);

  // A second method is added but the default stays.
  ASSERT_OK(store_->call_attempts().Create(NewAttempt("a2", ana_, "office", "+33425555123")));
  Result<int64_t> second = Confirm(*store_->call_attempts().Get("a2"), kT0 + 200);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_NE(*second, *first);
  EXPECT_EQ(store_->users().Get(ana_)->default_method_id, *first);
  EXPECT_EQ(store_->methods().ListForUser(ana_)->size(), 2u);
  EXPECT_EQ(store_->methods().Get(NewUser("bob"), *first).status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, DuplicateMethodIsRefusedAndTheAttemptIsNotUpdated) {
  AddPhone(ana_, "a1", "mobile", "+33612345678", kT0);

  // Same kind and phone type, another number.
  ASSERT_OK(store_->call_attempts().Create(NewAttempt("a2", ana_, "mobile", "+33699999999")));
  CallAttempt a2 = *store_->call_attempts().Get("a2");
  EXPECT_EQ(Confirm(a2).status().code(), Code::kAlreadyExists);
  CallAttempt unchanged = *store_->call_attempts().Get("a2");
  EXPECT_EQ(unchanged.state, CallState::kPlacing);
  EXPECT_EQ(unchanged.version, 1);
  EXPECT_EQ(unchanged.method_id, std::nullopt);

  // Same number, another phone type.
  ASSERT_OK(store_->call_attempts().Create(NewAttempt("a3", ana_, "office", "+33612345678")));
  EXPECT_EQ(Confirm(*store_->call_attempts().Get("a3")).status().code(), Code::kAlreadyExists);
  EXPECT_EQ(store_->call_attempts().Get("a3")->version, 1);
  EXPECT_EQ(store_->methods().ListForUser(ana_)->size(), 1u);

  // Another user may register the same number.
  int64_t bob = NewUser("bob");
  EXPECT_NE(AddPhone(bob, "b1", "mobile", "+33612345678", kT0), 0);

  // A stale attempt creates nothing.
  ASSERT_OK(store_->call_attempts().Create(NewAttempt("a4", ana_, "office", "+33425555123")));
  CallAttempt a4 = *store_->call_attempts().Get("a4");
  ASSERT_OK(store_->call_attempts().Update(a4));
  EXPECT_EQ(Confirm(a4).status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(store_->methods().ListForUser(ana_)->size(), 1u);
}

TEST_P(StoreContractTest, ChangingAPhoneReplacesItAndKeepsTheDefault) {
  int64_t mobile = AddPhone(ana_, "a1", "mobile", "+33612345678", kT0);
  int64_t office = AddPhone(ana_, "a2", "office", "+33425555123", kT0 + 10);
  ASSERT_EQ(store_->users().Get(ana_)->default_method_id, mobile);

  CallAttempt change = NewAttempt("a3", ana_, "mobile", "+33700000000", kT0 + 20);
  change.replaces_method_id = mobile;
  ASSERT_OK(store_->call_attempts().Create(change));
  EXPECT_EQ(store_->call_attempts().Get("a3")->replaces_method_id, mobile);
  change.version = 1;
  Result<int64_t> replaced = Confirm(change, kT0 + 30);
  ASSERT_TRUE(replaced.ok()) << replaced.status().ToString();

  auto methods = store_->methods().ListForUser(ana_);
  ASSERT_EQ(methods->size(), 2u);
  EXPECT_FALSE(store_->methods().Get(ana_, mobile).ok());
  EXPECT_EQ(methods::phone::DataOf(*store_->methods().Get(ana_, *replaced)).number, "+33700000000");
  EXPECT_EQ(store_->users().Get(ana_)->default_method_id, *replaced);

  // Replacing a method that is not the user's changes nothing.
  int64_t ben = NewUser("ben");
  CallAttempt theft = NewAttempt("a4", ben, "office", "+33499999999", kT0 + 40);
  theft.replaces_method_id = office;
  ASSERT_OK(store_->call_attempts().Create(theft));
  theft.version = 1;
  EXPECT_EQ(Confirm(theft).status().code(), Status::Code::kNotFound);
  EXPECT_TRUE(store_->methods().Get(ana_, office).ok());
  EXPECT_EQ(store_->call_attempts().Get("a4")->state, CallState::kPlacing);
}

TEST_P(StoreContractTest, DeletingTheDefaultMovesItToTheOldestRemaining) {
  int64_t mobile = AddPhone(ana_, "a1", "mobile", "+33611111111", kT0);
  int64_t office = AddPhone(ana_, "a2", "office", "+33422222222", kT0 + 10);
  int64_t alternate = AddPhone(ana_, "a3", "alternate_mobile", "+33633333333", kT0 + 20);
  ASSERT_EQ(store_->users().Get(ana_)->default_method_id, mobile);

  Result<std::vector<Method>> listed = store_->methods().ListForUser(ana_);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].id, mobile);
  EXPECT_EQ((*listed)[2].id, alternate);

  // Not the default: the default stays.
  ASSERT_OK(store_->methods().Delete(ana_, alternate));
  EXPECT_EQ(store_->users().Get(ana_)->default_method_id, mobile);

  ASSERT_OK(store_->users().SetDefaultMethod(ana_, mobile, "sms"));
  ASSERT_OK(store_->methods().Delete(ana_, mobile));
  EXPECT_EQ(store_->users().Get(ana_)->default_method_id, office);
  // The office phone is called: the way the deleted mobile proved does not carry over.
  EXPECT_EQ(store_->users().Get(ana_)->default_proof, "");
  EXPECT_EQ(store_->methods().Get(ana_, mobile).status().code(), Code::kNotFound);
  // The attempt that created it no longer points at it.
  EXPECT_EQ(store_->call_attempts().Get("a1")->method_id, std::nullopt);

  int64_t bob = NewUser("bob");
  EXPECT_EQ(store_->methods().Delete(bob, office).code(), Code::kNotFound);
  EXPECT_EQ(store_->methods().Delete(ana_, mobile).code(), Code::kNotFound);

  ASSERT_OK(store_->methods().Delete(ana_, office));
  EXPECT_EQ(store_->users().Get(ana_)->default_method_id, std::nullopt);
  EXPECT_TRUE(store_->methods().ListForUser(ana_)->empty());
}

TEST_P(StoreContractTest, SimCallsAreListedAndUpdatedFromTheExpectedState) {
  auto call = [](std::string id, std::string number, int64_t at) {
    return SimCall{.id = std::move(id),
                   .number_e164 = std::move(number),
                   .caller = "+33100000000",
                   .locale = "fr",
                   .prompt = "Appuyez sur dièse",
                   .state = "ringing",
                   .digits = "",
                   .end_reason = "",
                   .created_at = at};
  };
  ASSERT_OK(store_->sim_calls().Create(call("c1", "+33611111111", kT0)));
  ASSERT_OK(store_->sim_calls().Create(call("c2", "+33622222222", kT0 + 10)));
  ASSERT_OK(store_->sim_calls().Create(call("c3", "+33611111111", kT0 + 20)));
  EXPECT_EQ(store_->sim_calls().Create(call("c3", "+33611111111", kT0)).code(),
            Code::kAlreadyExists);

  Result<std::vector<SimCall>> calls = store_->sim_calls().ListForNumber("+33611111111", 10);
  ASSERT_TRUE(calls.ok()) << calls.status().ToString();
  ASSERT_EQ(calls->size(), 2u);
  EXPECT_EQ((*calls)[0].id, "c3");
  EXPECT_EQ((*calls)[1].id, "c1");
  EXPECT_EQ((*calls)[0].prompt, "Appuyez sur dièse");
  EXPECT_EQ(store_->sim_calls().ListForNumber("+33611111111", 1)->size(), 1u);

  Result<std::vector<std::string>> numbers = store_->sim_calls().ListNumbers(10);
  ASSERT_TRUE(numbers.ok()) << numbers.status().ToString();
  EXPECT_EQ(*numbers, (std::vector<std::string>{"+33611111111", "+33622222222"}));
  EXPECT_EQ(*store_->sim_calls().ListNumbers(1), (std::vector<std::string>{"+33611111111"}));

  SimCall answered = *store_->sim_calls().Get("c1");
  answered.state = "answered";
  answered.answered_at = kT0 + 30;
  answered.digits = "#";
  ASSERT_OK(store_->sim_calls().Update(answered, "ringing"));
  // The caller hung up meanwhile: a second "answer" from the ringing state is refused.
  SimCall again = answered;
  again.digits = "0#";
  EXPECT_EQ(store_->sim_calls().Update(again, "ringing").code(), Code::kFailedPrecondition);

  SimCall got = *store_->sim_calls().Get("c1");
  EXPECT_EQ(got.state, "answered");
  EXPECT_EQ(got.digits, "#");
  EXPECT_EQ(got.answered_at, kT0 + 30);
  EXPECT_EQ(got.said, "");

  // What the call says next is written alone, on an answered call only: a key written from an
  // older read keeps the words, and the words keep the key.
  EXPECT_EQ(store_->sim_calls().Say("c2", "Appuyez sur 1").code(), Code::kFailedPrecondition);
  EXPECT_EQ(store_->sim_calls().Say("nope", "Appuyez sur 1").code(), Code::kNotFound);
  ASSERT_OK(store_->sim_calls().Say("c1", "Appuyez sur 1"));
  SimCall pressed = got;
  pressed.digits = "#1";
  ASSERT_OK(store_->sim_calls().Update(pressed, "answered"));
  got = *store_->sim_calls().Get("c1");
  EXPECT_EQ(got.said, "Appuyez sur 1");
  EXPECT_EQ(got.digits, "#1");
  EXPECT_EQ(store_->sim_calls().ListForNumber("+33611111111", 10)->back().said, "Appuyez sur 1");
  EXPECT_EQ(store_->sim_calls().Get("c2")->said, "");

  got.state = "ended";
  got.end_reason = "hung_up_by_phone";
  got.ended_at = kT0 + 40;
  ASSERT_OK(store_->sim_calls().Update(got, "answered"));
  EXPECT_EQ(store_->sim_calls().Get("c1")->end_reason, "hung_up_by_phone");
  EXPECT_EQ(store_->sim_calls().Get("c1")->ended_at, kT0 + 40);

  // A call playing the tenant's greeting says so, in both reads.
  SimCall greeted = call("c4", "+33633333333", kT0 + 50);
  greeted.custom_greeting = true;
  ASSERT_OK(store_->sim_calls().Create(greeted));
  EXPECT_TRUE(store_->sim_calls().Get("c4")->custom_greeting);
  EXPECT_TRUE(store_->sim_calls().ListForNumber("+33633333333", 1)->front().custom_greeting);
  EXPECT_FALSE(store_->sim_calls().Get("c1")->custom_greeting);
  EXPECT_FALSE(store_->sim_calls().ListForNumber("+33611111111", 1)->front().custom_greeting);

  SimCall missing = call("nope", "+33699999999", kT0);
  EXPECT_EQ(store_->sim_calls().Update(missing, "ringing").code(), Code::kNotFound);
  EXPECT_EQ(store_->sim_calls().Get("nope").status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, AuditLogListsNewestFirst) {
  auto entry = [&](int64_t at, std::optional<int64_t> tenant, std::string action) {
    return AuditEntry{.at = at,
                      .tenant_id = tenant,
                      .user_id = ana_,
                      .actor = "ana@contoso.example",
                      .ip = "192.0.2.7",
                      .action = std::move(action),
                      .method = "phone:mobile",
                      .result = "success",
                      .detail = "d"};
  };
  ASSERT_OK(store_->audit().Append(entry(kT0, tenant_id_, "sign_in")));
  ASSERT_OK(store_->audit().Append(entry(kT0 + 10, tenant_id_, "method_register")));
  ASSERT_OK(store_->audit().Append(entry(kT0 + 20, std::nullopt, "system_start")));
  AuditEntry cli = entry(kT0 + 30, tenant_id_, "default_change");
  cli.user_id = std::nullopt;
  cli.actor = "admin-cli";
  cli.ip = "";
  ASSERT_OK(store_->audit().Append(cli));

  Result<std::vector<AuditEntry>> listed = store_->audit().ListForTenant(tenant_id_, 10);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].action, "default_change");
  EXPECT_EQ((*listed)[0].user_id, std::nullopt);
  EXPECT_EQ((*listed)[0].actor, "admin-cli");
  EXPECT_EQ((*listed)[1].action, "method_register");
  EXPECT_EQ((*listed)[1].user_id, ana_);
  EXPECT_EQ((*listed)[1].tenant_id, tenant_id_);
  EXPECT_EQ((*listed)[1].method, "phone:mobile");
  EXPECT_EQ((*listed)[1].result, "success");
  EXPECT_EQ((*listed)[2].action, "sign_in");
  EXPECT_GT((*listed)[0].id, (*listed)[1].id);

  Result<std::vector<AuditEntry>> two = store_->audit().ListForTenant(tenant_id_, 2);
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->size(), 2u);
}

}  // namespace
}  // namespace secinfo::store::test

namespace secinfo::store::test {
namespace {

using Code = Status::Code;

TEST_P(StoreContractTest, MethodsOfEveryKindFollowTheirUniquenessRules) {
  Result<int64_t> first = store_->methods().Create(AppMethod(ana_, "Pixel", "sealed"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // Several apps are fine.
  EXPECT_TRUE(store_->methods().Create(AppMethod(ana_, "iPad", "sealed")).ok());
  EXPECT_EQ(store_->users().Get(ana_)->default_method_id, *first);

  ASSERT_TRUE(store_->methods().Create(EmailMethod(ana_, "ana@example.org")).ok());
  EXPECT_EQ(store_->methods().Create(EmailMethod(ana_, "other@example.org")).status().code(),
            Code::kAlreadyExists);

  Method stored = *store_->methods().Get(ana_, *first);
  EXPECT_EQ(methods::authenticator::DataOf(stored).name, "Pixel");
  EXPECT_EQ(stored.secret, "sealed");
  methods::authenticator::Put({.name = "Work phone"}, stored);
  ASSERT_OK(store_->methods().Update(stored));
  EXPECT_EQ(methods::authenticator::DataOf(*store_->methods().Get(ana_, *first)).name,
            "Work phone");
  stored.user_id = NewUser("ben");
  EXPECT_EQ(store_->methods().Update(stored).code(), Code::kNotFound);
}

TEST_P(StoreContractTest, ATotpStepIsAcceptedOnce) {
  int64_t id = *store_->methods().Create(AppMethod(ana_, "Pixel"));
  EXPECT_OK(store_->methods().AdvanceCounter(ana_, id, 100));
  EXPECT_EQ(store_->methods().AdvanceCounter(ana_, id, 100).code(), Code::kFailedPrecondition);
  EXPECT_EQ(store_->methods().AdvanceCounter(ana_, id, 99).code(), Code::kFailedPrecondition);
  EXPECT_OK(store_->methods().AdvanceCounter(ana_, id, 101));
  EXPECT_EQ(store_->methods().Get(ana_, id)->counter, 101);
  EXPECT_EQ(store_->methods().AdvanceCounter(ana_, id + 1000, 200).code(), Code::kNotFound);
  // Renaming the app writes back what it read, but never the counter: a code accepted meanwhile
  // stays used.
  Method read = *store_->methods().Get(ana_, id);
  ASSERT_OK(store_->methods().AdvanceCounter(ana_, id, 102));
  methods::authenticator::Put({.name = "Work phone"}, read);
  ASSERT_OK(store_->methods().Update(read));
  EXPECT_EQ(store_->methods().Get(ana_, id)->counter, 102);
}

TEST_P(StoreContractTest, CodeChallengesAreCompareAndSetAndCreateTheirMethod) {
  CodeChallenge c{.id = "c1",
                  .tenant_id = tenant_id_,
                  .user_id = ana_,
                  .purpose = "register",
                  .channel = "email",
                  .destination = "ana@example.org",
                  .method_kind = methods::MethodKind::kEmail,
                  .locale = "fr",
                  .code_hash = "h1",
                  .state = CodeChallengeState::kPending,
                  .sends = 1,
                  .last_sent_at = kT0,
                  .expires_at = kT0 + 300'000,
                  .client_ip = "192.0.2.1",
                  .created_at = kT0,
                  .updated_at = kT0};
  ASSERT_OK(store_->code_challenges().Create(c));
  CodeChallenge got = *store_->code_challenges().Get("c1");
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.destination, "ana@example.org");
  EXPECT_EQ(got.code_hash, "h1");

  got.failed_attempts = 1;
  ASSERT_OK(store_->code_challenges().Update(got));
  EXPECT_EQ(store_->code_challenges().Update(got).code(), Code::kFailedPrecondition);

  got = *store_->code_challenges().Get("c1");
  got.state = CodeChallengeState::kVerified;
  got.code_hash = "";
  Result<int64_t> m =
      store_->code_challenges().UpdateAndCreateMethod(got, EmailMethod(ana_, "ana@example.org"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  CodeChallenge done = *store_->code_challenges().Get("c1");
  EXPECT_EQ(done.state, CodeChallengeState::kVerified);
  EXPECT_EQ(done.method_id, *m);
  EXPECT_EQ(methods::email::DataOf(*store_->methods().Get(ana_, *m)).address, "ana@example.org");
  EXPECT_EQ(store_->code_challenges().Get("nope").status().code(), Code::kNotFound);
}

TEST_P(StoreContractTest, SimMessagesAreListedPerRecipientNewestFirst) {
  ASSERT_TRUE(store_->sim_messages()
                  .Create({.channel = "sms",
                           .recipient = "+33612345678",
                           .sender = "Contoso",
                           .body = "one",
                           .created_at = kT0})
                  .ok());
  ASSERT_TRUE(store_->sim_messages()
                  .Create({.channel = "sms",
                           .recipient = "+33612345678",
                           .sender = "Contoso",
                           .body = "two",
                           .created_at = kT0 + 1})
                  .ok());
  ASSERT_TRUE(store_->sim_messages()
                  .Create({.channel = "email",
                           .recipient = "ana@example.org",
                           .subject = "Code",
                           .body = "three",
                           .created_at = kT0 + 2})
                  .ok());
  auto sms = store_->sim_messages().ListFor("sms", "+33612345678", 10);
  ASSERT_EQ(sms->size(), 2u);
  EXPECT_EQ((*sms)[0].body, "two");
  EXPECT_EQ(*store_->sim_messages().ListRecipients("email", 10),
            std::vector<std::string>{"ana@example.org"});
}

TEST_P(StoreContractTest, AppEnrolmentsFinishIntoAnAuthenticatorMethod) {
  AppEnrolment e{.id = "e1",
                 .tenant_id = tenant_id_,
                 .user_id = ana_,
                 .name = "Pixel",
                 .secret = "sealed",
                 .state = AppEnrolmentState::kPending,
                 .created_at = kT0,
                 .expires_at = kT0 + 600'000,
                 .client_ip = "192.0.2.1"};
  ASSERT_OK(store_->app_enrolments().Create(e));
  AppEnrolment got = *store_->app_enrolments().Get("e1");
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.secret, "sealed");
  got.state = AppEnrolmentState::kDone;
  Result<int64_t> m =
      store_->app_enrolments().UpdateAndCreateMethod(got, AppMethod(ana_, "Pixel", "sealed"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(store_->app_enrolments().Get("e1")->method_id, *m);
  EXPECT_EQ(store_->app_enrolments().Get("e1")->state, AppEnrolmentState::kDone);
  EXPECT_EQ(store_->app_enrolments().Update(got).code(), Code::kFailedPrecondition);
  EXPECT_EQ(store_->users().Get(ana_)->default_method_id, *m);
}

TEST_P(StoreContractTest, QuestionSettingsCustomQuestionsAndAnswers) {
  EXPECT_EQ(store_->questions().GetSettings(tenant_id_)->to_register, 3);
  ASSERT_OK(store_->questions().SetSettings(tenant_id_, {5, 4}));
  EXPECT_EQ(store_->questions().GetSettings(tenant_id_)->to_reset, 4);

  int64_t q1 = *store_->questions().AddCustom({0, tenant_id_, "Nom du premier chef ?", kT0});
  ASSERT_TRUE(store_->questions().AddCustom({0, tenant_id_, "Ville du stage ?", kT0 + 1}).ok());
  EXPECT_EQ(store_->questions().ListCustom(tenant_id_)->size(), 2u);
  ASSERT_OK(store_->questions().DeleteCustom(tenant_id_, q1));
  EXPECT_EQ(store_->questions().DeleteCustom(tenant_id_, q1).code(), Code::kNotFound);

  std::vector<QuestionAnswer> answers = {
      {"question_predefined_01", "h1"}, {"question_predefined_02", "h2"}, {"custom:7", "h3"}};
  int64_t first = *store_->questions().SaveAnswers(QuestionsMethod(ana_, kT0), answers);
  EXPECT_EQ(store_->questions().GetAnswers(ana_, first)->at(2).question_id, "custom:7");
  EXPECT_FALSE(store_->users().Get(ana_)->default_method_id.has_value());  // reset only

  // Answering again replaces the set.
  answers.pop_back();
  int64_t second = *store_->questions().SaveAnswers(QuestionsMethod(ana_, kT0 + 5), answers);
  EXPECT_NE(first, second);
  EXPECT_EQ(store_->questions().GetAnswers(ana_, second)->size(), 2u);
  EXPECT_EQ(store_->questions().GetAnswers(ana_, first).status().code(), Code::kNotFound);
  EXPECT_EQ(store_->methods().ListForUser(ana_)->size(), 1u);
  EXPECT_EQ(store_->questions().GetAnswers(NewUser("ben"), second).status().code(),
            Code::kNotFound);
}

TEST_P(StoreContractTest, GreetingsAreKeptPerTenantAndLanguage) {
  // Every byte value, NUL and 0xFF included: the audio comes back exactly.
  std::string fr_audio;
  for (int i = 0; i < 2000; ++i) fr_audio += static_cast<char>(i % 256);
  ASSERT_OK(store_->greetings().Put({tenant_id_, "fr", fr_audio, 250, kT0}));
  Result<Greeting> fr = store_->greetings().Get(tenant_id_, "fr");
  ASSERT_TRUE(fr.ok()) << fr.status().ToString();
  EXPECT_EQ(fr->audio_ulaw, fr_audio);
  EXPECT_EQ(fr->tenant_id, tenant_id_);
  EXPECT_EQ(fr->locale, "fr");
  EXPECT_EQ(fr->duration_ms, 250);
  EXPECT_EQ(fr->created_at, kT0);
  EXPECT_EQ(store_->greetings().Get(tenant_id_, "en").status().code(), Code::kNotFound);

  // The longest greeting there is (20 s) fits.
  const std::string en_audio(160'000, '\xFF');
  ASSERT_OK(store_->greetings().Put({tenant_id_, "en", en_audio, 20'000, kT0 + 1}));
  EXPECT_EQ(store_->greetings().Get(tenant_id_, "en")->audio_ulaw, en_audio);

  // Uploading again replaces that language's greeting only.
  const std::string replacement("\x7F\x00\x7F", 3);
  ASSERT_OK(store_->greetings().Put({tenant_id_, "fr", replacement, 0, kT0 + 2}));
  EXPECT_EQ(store_->greetings().Get(tenant_id_, "fr")->audio_ulaw, replacement);
  EXPECT_EQ(store_->greetings().Get(tenant_id_, "fr")->created_at, kT0 + 2);
  Result<std::vector<GreetingSummary>> listed = store_->greetings().List(tenant_id_);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].locale, "en");
  EXPECT_EQ((*listed)[0].size_bytes, 160'000);
  EXPECT_EQ((*listed)[0].duration_ms, 20'000);
  EXPECT_EQ((*listed)[0].created_at, kT0 + 1);
  EXPECT_EQ((*listed)[1].locale, "fr");
  EXPECT_EQ((*listed)[1].size_bytes, 3);

  // Another tenant sees none of them.
  Result<int64_t> fabrikam = store_->tenants().Create(Tenant{.name = "Fabrikam",
                                                             .domain = "fabrikam.example",
                                                             .default_locale = "en",
                                                             .default_region = "US"});
  ASSERT_TRUE(fabrikam.ok());
  EXPECT_EQ(store_->greetings().Get(*fabrikam, "fr").status().code(), Code::kNotFound);
  EXPECT_TRUE(store_->greetings().List(*fabrikam)->empty());
  EXPECT_EQ(store_->greetings().Delete(*fabrikam, "fr").code(), Code::kNotFound);

  ASSERT_OK(store_->greetings().Delete(tenant_id_, "fr"));
  EXPECT_EQ(store_->greetings().Delete(tenant_id_, "fr").code(), Code::kNotFound);
  EXPECT_EQ(store_->greetings().Get(tenant_id_, "fr").status().code(), Code::kNotFound);
  EXPECT_EQ(store_->greetings().List(tenant_id_)->size(), 1u);

  EXPECT_EQ(store_->greetings().Put({9999, "fr", "x", 0, kT0}).code(), Code::kNotFound);
  EXPECT_EQ(store_->greetings().Put({tenant_id_, "fr", "", 0, kT0}).code(), Code::kInvalidArgument);
  EXPECT_EQ(store_->greetings().Get(tenant_id_, "fr").status().code(), Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest, StoreBackends(), BackendName);

}  // namespace
}  // namespace secinfo::store::test
