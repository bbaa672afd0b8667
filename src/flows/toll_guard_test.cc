#include "flows/toll_guard.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "flows/test_store.h"

namespace secinfo::flows {
namespace {

class TollGuardTest : public testing::Test {
 protected:
  void SetUp() override {
    store_ = testing_support::OpenTestStore("toll_guard");
    tenant_id_ = *store_->tenants().Create({0, "Contoso", "contoso.example", "fr", "FR"});
    guard_ = std::make_unique<TollGuard>(*store_, clock_);
  }
  TollVerdict Allow(const std::string& e164, int64_t user = 1,
                    const std::string& ip = "192.0.2.1") {
    return guard_->Allow({tenant_id_, user, ip, "sms", e164});
  }
  int Refusals() {
    int n = 0;
    auto audit = store_->audit().ListForTenant(tenant_id_, 100);
    for (const auto& e : *audit) {
      n += e.action == "toll_fraud" && e.result == "refused";
    }
    return n;
  }

  FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<TollGuard> guard_;
  int64_t tenant_id_ = 0;
};

TEST_F(TollGuardTest, PremiumRateNumbersAreRefusedByDefault) {
  EXPECT_EQ(Allow("+33612345678"), TollVerdict::kAllowed);             // a French mobile
  EXPECT_EQ(Allow("+33899123456"), TollVerdict::kNumberTypeRefused);   // French premium rate
  EXPECT_EQ(Allow("+448449801234"), TollVerdict::kNumberTypeRefused);  // UK 0844
  EXPECT_EQ(Refusals(), 2);
  auto audit = store_->audit().ListForTenant(tenant_id_, 10);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->front().detail, "number type premium_rate refused; to +448449801234");
  // An administrator may allow a type again.
  store::TollFraudPolicy p;
  p.refused_types = {"shared_cost"};
  ASSERT_TRUE(store_->tenants().SetTollFraudPolicy(tenant_id_, p).ok());
  EXPECT_EQ(Allow("+33899123456"), TollVerdict::kAllowed);
}

TEST_F(TollGuardTest, OnlyAllowedCountriesAreCalledOrTexted) {
  store::TollFraudPolicy p;
  p.countries = {"FR", "BE"};
  ASSERT_TRUE(store_->tenants().SetTollFraudPolicy(tenant_id_, p).ok());
  EXPECT_EQ(Allow("+33612345678"), TollVerdict::kAllowed);
  EXPECT_EQ(Allow("+32470123456"), TollVerdict::kAllowed);
  EXPECT_EQ(Allow("+447400123456"), TollVerdict::kCountryNotAllowed);
  EXPECT_EQ(Refusals(), 1);
}

// SMS pumping: a loop over a range of mobile numbers from one address stops at the per-address
// cap, whatever the numbers, and 64 parallel requests do not pass it.
TEST_F(TollGuardTest, ParallelRequestsCannotPassTheHourlyCaps) {
  store::TollFraudPolicy p;
  p.per_user_hour = 1000;
  p.per_ip_hour = 7;
  ASSERT_TRUE(store_->tenants().SetTollFraudPolicy(tenant_id_, p).ok());
  std::atomic<int> go{0}, allowed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 64; ++i) {
    threads.emplace_back([&, i] {
      while (go.load() == 0) std::this_thread::yield();
      char number[16];
      std::snprintf(number, sizeof number, "+336123456%02d", i);
      if (Allow(number, 100 + i) == TollVerdict::kAllowed) allowed++;
    });
  }
  go = 1;
  for (auto& t : threads) t.join();
  EXPECT_EQ(allowed.load(), 7);
  EXPECT_EQ(Refusals(), 57);
  // Another address still gets through; a whole quiet hour later this one does too.
  EXPECT_EQ(Allow("+33612345600", 1, "198.51.100.7"), TollVerdict::kAllowed);
  clock_.AdvanceSeconds(2 * 3600);
  EXPECT_EQ(Allow("+33612345600", 1, "192.0.2.1"), TollVerdict::kAllowed);
}

// An IPv6 client picks any address of its /64: rotating through them does not pass the cap.
TEST_F(TollGuardTest, AddressesOfOneIpv6Slash64ShareTheAddressCap) {
  store::TollFraudPolicy p;
  p.per_user_hour = 1000;
  p.per_ip_hour = 2;
  ASSERT_TRUE(store_->tenants().SetTollFraudPolicy(tenant_id_, p).ok());
  EXPECT_EQ(Allow("+33612345601", 1, "2001:db8:1:2::1"), TollVerdict::kAllowed);
  EXPECT_EQ(Allow("+33612345602", 2, "2001:db8:1:2::2"), TollVerdict::kAllowed);
  EXPECT_EQ(Allow("+33612345603", 3, "2001:db8:1:2:ffff::3"), TollVerdict::kTooMany);
  EXPECT_EQ(Allow("+33612345604", 4, "2001:db8:1:3::1"), TollVerdict::kAllowed);
  auto audit = store_->audit().ListForTenant(tenant_id_, 10);
  ASSERT_TRUE(audit.ok() && !audit->empty());
  const std::string cap = "toll:ip:" + std::to_string(tenant_id_) + ":2001:db8:1:2::/64";
  EXPECT_NE(audit->front().detail.find(cap), std::string::npos) << audit->front().detail;
}

TEST_F(TollGuardTest, CapsPerPersonTenantAndCountry) {
  store::TollFraudPolicy p;
  p.per_user_hour = 2;
  p.per_country_hour = 3;
  p.per_tenant_hour = 4;
  ASSERT_TRUE(store_->tenants().SetTollFraudPolicy(tenant_id_, p).ok());
  EXPECT_EQ(Allow("+33612345601", 1), TollVerdict::kAllowed);
  EXPECT_EQ(Allow("+33612345602", 1), TollVerdict::kAllowed);
  EXPECT_EQ(Allow("+33612345603", 1), TollVerdict::kTooMany);  // the person's cap
  EXPECT_EQ(Allow("+33612345604", 2), TollVerdict::kAllowed);
  EXPECT_EQ(Allow("+33612345605", 3), TollVerdict::kTooMany);  // France's cap for the tenant
  EXPECT_EQ(Allow("+32470123456", 3), TollVerdict::kAllowed);
  EXPECT_EQ(Allow("+447400123456", 4), TollVerdict::kTooMany);  // the tenant's cap
}

// A call refused by one cap is counted by none: a caller's own per-number limit does not use up
// the person's toll quota, nor the tenant's caps the caller's own.
TEST_F(TollGuardTest, ARefusalUsesUpNoQuota) {
  store::TollFraudPolicy p;
  p.per_user_hour = 3;
  ASSERT_TRUE(store_->tenants().SetTollFraudPolicy(tenant_id_, p).ok());
  const TollGuard::Cap number_cap[] = {{"call:number:+33612345601", 1}};
  const TollRequest to_601{tenant_id_, 1, "192.0.2.1", "call", "+33612345601"};
  EXPECT_EQ(guard_->Allow(to_601, number_cap), TollVerdict::kAllowed);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(guard_->Allow(to_601, number_cap), TollVerdict::kTooMany);
  // The five refusals cost the person nothing: two more calls elsewhere fit the cap of 3.
  EXPECT_EQ(Allow("+33612345602", 1), TollVerdict::kAllowed);
  EXPECT_EQ(Allow("+33612345603", 1), TollVerdict::kAllowed);
  EXPECT_EQ(Allow("+33612345604", 1), TollVerdict::kTooMany);
  // Refused by the person's cap, a call to a new number leaves that number's own cap untouched.
  const TollGuard::Cap other_cap[] = {{"call:number:+33612345605", 1}};
  const TollRequest to_605{tenant_id_, 1, "192.0.2.1", "call", "+33612345605"};
  EXPECT_EQ(guard_->Allow(to_605, other_cap), TollVerdict::kTooMany);
  EXPECT_EQ(guard_->Allow({tenant_id_, 2, "192.0.2.2", "call", "+33612345605"}, other_cap),
            TollVerdict::kAllowed);
  auto audit = store_->audit().ListForTenant(tenant_id_, 20);
  ASSERT_TRUE(audit.ok());
  EXPECT_EQ(audit->back().detail, "hourly cap reached: call:number:+33612345601; to +33612345601");
}

}  // namespace
}  // namespace secinfo::flows
