#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <vector>

#include "channels/voice/sip/sip_voice.h"
#include "core/temp_dir_for_test.h"

namespace secinfo::channels {
namespace {

namespace fs = std::filesystem;

using testing_support::TempDir;

Config::Voice GoodVoice(const TempDir& dir) {
  Config::Voice v;
  v.provider = "sip";
  v.sip.host = "127.0.0.1";
  v.sip.port = 5060;
  v.sip.local_address = "127.0.0.1";
  v.sip.local_port = 0;
  v.sip.prompt_cache_dir = dir / "prompts";
  return v;
}

// A UDP or TCP socket bound to a free loopback port, held open.
struct BoundSocket {
  explicit BoundSocket(int type) {
    fd = ::socket(AF_INET, type, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    socklen_t len = sizeof(a);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~BoundSocket() { ::close(fd); }
  int fd = -1;
  int port = 0;
};

void ExpectInvalid(const Config::Voice& v, const std::string& setting) {
  Status s = ValidateSipSettings(v.sip);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  EXPECT_NE(s.message().find(setting), std::string::npos) << s.ToString();
  // The factory refuses it the same way, before starting anything.
  SystemClock clock;
  auto made = MakeSipVoice(v, clock);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(made.status().message().find(setting), std::string::npos) << made.status().ToString();
}

TEST(SipVoiceConfig, MissingHostIsRejectedNamingTheSetting) {
  TempDir dir;
  Config::Voice v = GoodVoice(dir);
  v.sip.host = "";
  ExpectInvalid(v, "voice.sip.host");
}

TEST(SipVoiceConfig, MalformedSettingsAreRejectedNamingTheSetting) {
  TempDir dir;
  struct Case {
    const char* setting;
    void (*spoil)(Config::Voice&);
  };
  const Case cases[] = {
      {"voice.sip.host", [](Config::Voice& v) { v.sip.host = "trunk example;lr"; }},
      {"voice.sip.port", [](Config::Voice& v) { v.sip.port = 0; }},
      {"voice.sip.transport", [](Config::Voice& v) { v.sip.transport = "tls"; }},
      {"voice.sip.user", [](Config::Voice& v) { v.sip.password = "s3cret"; }},
      {"voice.sip.password",
       [](Config::Voice& v) {
         v.sip.user = "acme";
         v.sip.password = "a\"b";
       }},
      {"voice.sip.from_user", [](Config::Voice& v) { v.sip.from_user = "sec info@x"; }},
      {"voice.sip.from_user", [](Config::Voice& v) { v.sip.from_user = ""; }},
      {"voice.sip.local_address", [](Config::Voice& v) { v.sip.local_address = "localhost"; }},
      {"voice.sip.local_address", [](Config::Voice& v) { v.sip.local_address = "0.0.0.0"; }},
      {"voice.sip.local_port", [](Config::Voice& v) { v.sip.local_port = 70000; }},
      {"voice.sip.prompt_cache_dir", [](Config::Voice& v) { v.sip.prompt_cache_dir = ""; }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.setting);
    Config::Voice v = GoodVoice(dir);
    c.spoil(v);
    ExpectInvalid(v, c.setting);
  }
}

TEST(SipVoiceConfig, HostNamesAndIpv6AreAccepted) {
  TempDir dir;
  for (const char* host : {"sip.example.net", "192.0.2.10", "2001:db8::1"}) {
    Config::Voice v = GoodVoice(dir);
    v.sip.host = host;
    EXPECT_TRUE(ValidateSipSettings(v.sip).ok()) << host;
  }
}

TEST(SipVoiceConfig, MissingToolsAreNamedWithTheirPackage) {
  TempDir dir;
  SystemClock clock;
  SipVoiceOptions no_espeak;
  no_espeak.espeak_ng = "/nonexistent/espeak-ng";
  auto a = SipVoice::Create(GoodVoice(dir), clock, no_espeak);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(a.status().message().find("install the Debian package espeak-ng"), std::string::npos)
      << a.status().ToString();

  SipVoiceOptions no_sox;
  no_sox.sox = "sox-that-does-not-exist";
  auto b = SipVoice::Create(GoodVoice(dir), clock, no_sox);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(b.status().message().find("install the Debian package sox"), std::string::npos)
      << b.status().ToString();
}

TEST(SipVoiceConfig, UncreatablePromptCacheDirIsNamed) {
  TempDir dir;
  std::ofstream(dir / "a-file") << "not a directory";
  Config::Voice v = GoodVoice(dir);
  v.sip.prompt_cache_dir = dir / "a-file/prompts";
  SystemClock clock;
  auto made = MakeSipVoice(v, clock);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(made.status().message().find("voice.sip.prompt_cache_dir"), std::string::npos)
      << made.status().ToString();
}

TEST(SipVoiceConfig, BusyLocalPortIsNamed) {
  TempDir dir;
  BoundSocket taken(SOCK_DGRAM);
  Config::Voice v = GoodVoice(dir);
  v.sip.local_port = taken.port;
  SystemClock clock;
  auto made = MakeSipVoice(v, clock);
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(made.status().message().find("voice.sip.local_port"), std::string::npos)
      << made.status().ToString();
}

TEST(SipVoiceConfig, GoodConfigBuildsRunsAndStops) {
  TempDir dir;
  SystemClock clock;
  auto made = SipVoice::Create(GoodVoice(dir), clock);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  SipVoice& voice = **made;
  EXPECT_EQ(voice.name(), "sip");
  EXPECT_TRUE(voice.Health().ok()) << voice.Health().ToString();
  // The start-up probe left a cached prompt behind.
  int prompts = 0;
  for (const auto& entry : fs::directory_iterator(dir / "prompts")) {
    if (entry.path().extension() == ".ul") ++prompts;
  }
  EXPECT_EQ(prompts, 1);
}

TEST(SipVoiceConfig, SeveralInstancesRunSideBySide) {
  TempDir dir;
  SystemClock clock;
  auto a = SipVoice::Create(GoodVoice(dir), clock);
  auto b = SipVoice::Create(GoodVoice(dir), clock);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE((*a)->Health().ok());
  EXPECT_TRUE((*b)->Health().ok());
  a->reset();
  EXPECT_TRUE((*b)->Health().ok());
}

class RecordingSink : public CallEventSink {
 public:
  void OnCallEvent(std::string_view provider, std::string_view reference,
                   const CallEvent& event) override {
    std::lock_guard lock(mu_);
    events_.push_back(event);
    cv_.notify_all();
  }
  std::vector<CallEvent> WaitFor(size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return events_.size() >= n; });
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<CallEvent> events_;
};

TEST(SipVoiceCalls, RequestsAreCheckedBeforeCalling) {
  TempDir dir;
  SystemClock clock;
  auto made = SipVoice::Create(GoodVoice(dir), clock);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  SipVoice& voice = **made;
  RecordingSink sink;
  voice.SetEventSink(&sink);
  CallRequest r{"ref-1", "0612345678", "fr", "Bonjour", "secinfo"};
  EXPECT_EQ(voice.PlaceCall(r).code(), Status::Code::kInvalidArgument);
  r.destination = "+33612345678";
  r.reference = "";
  EXPECT_EQ(voice.PlaceCall(r).code(), Status::Code::kInvalidArgument);
  r.reference = "ref-1";
  r.locale = "fr;rm";
  EXPECT_EQ(voice.PlaceCall(r).code(), Status::Code::kInvalidArgument);
  r.locale = "fr";
  // Nobody listens on the trunk's UDP port: the call stays in progress (INVITE retransmissions).
  ASSERT_TRUE(voice.PlaceCall(r).ok());
  EXPECT_EQ(voice.PlaceCall(r).code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(voice.ActiveCalls(), 1u);
  EXPECT_TRUE(voice.HangUp("ref-1").ok());
  EXPECT_TRUE(voice.HangUp("never-placed").ok());
}

TEST(SipVoiceCalls, RefusedTcpTrunkEndsTheCallAsFailed) {
  TempDir dir;
  // A TCP port that was free a moment ago: connecting to it is refused.
  int closed_port;
  {
    BoundSocket probe(SOCK_STREAM);
    closed_port = probe.port;
  }
  Config::Voice v = GoodVoice(dir);
  v.sip.transport = "tcp";
  v.sip.port = closed_port;
  SystemClock clock;
  auto made = SipVoice::Create(v, clock);
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  RecordingSink sink;
  (*made)->SetEventSink(&sink);
  ASSERT_TRUE((*made)->PlaceCall({"ref-2", "+33612345678", "en", "Hello", "secinfo"}).ok());
  auto events = sink.WaitFor(1, std::chrono::seconds(10));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].kind, CallEventKind::kFailed);
  EXPECT_NE(events[0].detail.find(std::to_string(closed_port)), std::string::npos)
      << events[0].detail;
}

}  // namespace
}  // namespace secinfo::channels
