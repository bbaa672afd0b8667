#include "channels/providers.h"

#include <gtest/gtest.h>

#include "channels/metered.h"
#include "core/metrics.h"
#include "flows/test_store.h"

namespace secinfo::channels {
namespace {

using flows::testing_support::OpenTestStore;

std::string NamesOf(const auto& list) {
  std::string names;
  for (const auto& factory : list) names += std::string(factory.name) + " ";
  return names;
}

TEST(ProvidersTest, EachKindListsTheProvidersTheSettingsAccept) {
  EXPECT_EQ(NamesOf(VoiceProviders()), "simulated sip ");
  EXPECT_EQ(NamesOf(SmsProviders()), "simulated smpp http ");
  EXPECT_EQ(NamesOf(EmailProviders()), "simulated smtp ");
}

TEST(ProvidersTest, TheDefaultsAreTheSimulatedNetworkAndAreReady) {
  FakeClock clock(1'000);
  auto chosen = ChosenProviders::Create(Config{}, clock);
  ASSERT_TRUE(chosen.ok()) << chosen.status().ToString();
  auto store = OpenTestStore("providers");
  ASSERT_NE(store, nullptr);
  SimulatedChannels sim(*store, clock);
  EXPECT_EQ(&chosen->voice(sim), &sim.voice);
  EXPECT_EQ(&chosen->sms(sim), &sim.sms);
  EXPECT_EQ(&chosen->email(sim), &sim.email);
  EXPECT_TRUE(chosen->voice(sim).Health().ok());
  EXPECT_TRUE(chosen->sms(sim).Health().ok());
  EXPECT_TRUE(chosen->email(sim).Health().ok());
}

TEST(ProvidersTest, AnUnknownNameIsRefusedNamingTheSettingAndTheKnownOnes) {
  FakeClock clock(1'000);
  Config config;
  config.sms.provider = "pigeon";
  auto chosen = ChosenProviders::Create(config, clock);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(chosen.status().message(),
            "setting 'sms.provider': unknown provider 'pigeon' (known: simulated, smpp, http)");
}

TEST(ProvidersTest, ProductionRefusesTheSimulatedNetworkBeforeStartingAnyProvider) {
  FakeClock clock(1'000);
  Config config;
  config.mode = "production";
  config.voice.provider = "sip";  // no host: it would be refused too, were it built first
  config.email.provider = "smtp";
  auto chosen = ChosenProviders::Create(config, clock);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(chosen.status().message(),
            "setting 'sms.provider': the simulated phone network cannot run in production mode; "
            "configure a real provider");
}

TEST(ProvidersTest, ABadProviderSettingStopsStartUpNamingIt) {
  FakeClock clock(1'000);
  Config config;
  config.email.provider = "smtp";  // email.smtp.host missing
  auto chosen = ChosenProviders::Create(config, clock);
  ASSERT_FALSE(chosen.ok());
  EXPECT_EQ(chosen.status().message().rfind("email: ", 0), 0u) << chosen.status().message();
  EXPECT_NE(chosen.status().message().find("email.smtp.host"), std::string::npos);
}

TEST(ProvidersTest, ARealProviderIsChosenAndAnswersForItsHealth) {
  FakeClock clock(1'000);
  Config config;
  config.sms.provider = "http";
  config.sms.http.method = "GET";
  config.sms.http.url = "http://127.0.0.1:9/send?to={to}&text={text}";
  auto chosen = ChosenProviders::Create(config, clock);
  ASSERT_TRUE(chosen.ok()) << chosen.status().ToString();
  auto store = OpenTestStore("providers");
  ASSERT_NE(store, nullptr);
  SimulatedChannels sim(*store, clock);
  EXPECT_EQ(chosen->sms(sim).name(), "http");
  EXPECT_TRUE(chosen->sms(sim).Health().ok());  // nothing sent yet
  EXPECT_EQ(&chosen->voice(sim), &sim.voice);
}

}  // namespace
}  // namespace secinfo::channels

namespace secinfo::channels {
namespace {

TEST(MeteredChannelsTest, WhatIsHandedToAProviderIsCountedByChannelProviderAndOutcome) {
  FakeClock clock(1'000);
  auto store = OpenTestStore("metered");
  ASSERT_NE(store, nullptr);
  SimulatedChannels sim(*store, clock);
  MeteredSms sms(sim.sms);
  MeteredVoice voice(sim.voice);
  const int64_t sent = metrics::Deliveries().Value({"sms", "simulated", "sent"});
  const int64_t placed = metrics::Deliveries().Value({"voice", "simulated", "placed"});
  EXPECT_EQ(sms.name(), "simulated");
  EXPECT_TRUE(sms.Send({"+33612345678", "secinfo", "Your code is 123456"}).ok());
  EXPECT_EQ(metrics::Deliveries().Value({"sms", "simulated", "sent"}), sent + 1);
  ASSERT_TRUE(voice.PlaceCall({"ref-1", "+33425555123", "fr", "Bonjour", "secinfo"}).ok());
  EXPECT_EQ(metrics::Deliveries().Value({"voice", "simulated", "placed"}), placed + 1);
  // The simulated phone shows the text: the wrapper passed it on.
  auto texts = store->sim_messages().ListFor("sms", "+33612345678", 10);
  ASSERT_TRUE(texts.ok());
  EXPECT_EQ(texts->size(), 1u);
}

}  // namespace
}  // namespace secinfo::channels
