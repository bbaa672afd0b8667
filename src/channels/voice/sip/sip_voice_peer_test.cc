// SipVoice against real peers on loopback: kamailio as the carrier, baresip processes as phones
// (harness: tests/peers/). Each case checks what the person on the phone, or the flow waiting
// for the call, would notice. ctest label "peers".
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "channels/voice/greeting.h"
#include "channels/voice/sip/prompt_cache.h"
#include "channels/voice/sip/sip_voice.h"
#include "core/run_tool.h"
#include "flows/registration/call_state.h"
#include "sip_peers.h"

namespace secinfo::channels {
namespace {

namespace fs = std::filesystem;
using peers::Deadline;
using peers::In;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kMain[] = "+33612345678";    // answers at once
constexpr char kManual[] = "+33425555123";  // rings until told, takes one call at a time
constexpr char kNobody[] = "+33999999999";  // registered by no phone
constexpr int kCrowd = 20;
constexpr char kAuthUser[] = "secinfo-trunk";
constexpr char kPrompt[] =
    "Bonjour. Contoso vérifie votre numéro de téléphone. Appuyez sur la touche dièse pour "
    "confirmer.";

std::string CrowdNumber(int i) { return "+3370000" + std::to_string(1000 + i); }

// Records the events of every call; tests wait on it with deadlines.
class EventLog : public CallEventSink {
 public:
  void OnCallEvent(std::string_view provider, std::string_view reference,
                   const CallEvent& event) override {
    std::lock_guard lock(mu_);
    EXPECT_EQ(provider, "sip");
    events_[std::string(reference)].push_back(event);
    cv_.notify_all();
  }
  std::vector<CallEvent> Of(const std::string& ref) {
    std::lock_guard lock(mu_);
    return events_[ref];
  }
  // True once the call has an event of `kind` (with `digit` for kDigit).
  bool WaitFor(const std::string& ref, CallEventKind kind, Deadline deadline, char digit = 0) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, deadline, [&] {
      for (const CallEvent& e : events_[ref]) {
        if (e.kind == kind && (kind != CallEventKind::kDigit || e.digit == digit)) return true;
      }
      return false;
    });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<CallEvent>> events_;
};

// "ringing answered # hung_up": what happened, readable in a failure message.
std::string Story(const std::vector<CallEvent>& events) {
  std::string s;
  for (const CallEvent& e : events) {
    if (!s.empty()) s += ' ';
    switch (e.kind) {
      case CallEventKind::kRinging:
        s += "ringing";
        break;
      case CallEventKind::kAnswered:
        s += "answered";
        break;
      case CallEventKind::kDigit:
        s += e.digit;
        break;
      case CallEventKind::kHungUp:
        s += "hung_up";
        break;
      case CallEventKind::kBusy:
        s += "busy";
        break;
      case CallEventKind::kFailed:
        s += "failed(" + e.detail + ")";
        break;
    }
  }
  return s;
}

// What the registration flow makes of these events (its pure state machine); `fraud_confirm`:
// "0#" waits for 1, as where the tenant blocks on fraud reports.
std::string FlowOutcome(const std::vector<CallEvent>& events, bool fraud_confirm = false) {
  store::CallAttempt a;
  a.state = store::CallState::kPlacing;
  a.fraud_confirm = fraud_confirm;
  int64_t now = 1000;
  for (const CallEvent& e : events) flows::ApplyCallEvent(a, e, ++now);
  return std::string(store::StateName(a.state)) + (flows::FraudConfirmed(a) ? " (confirmed)" : "");
}

std::set<std::string> Recordings(const std::string& dir) {
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (name.find("dec") != std::string::npos && e.path().extension() == ".wav") {
      files.insert(e.path().string());
    }
  }
  return files;
}

// Sign changes per second in the 20 ms windows of `wav` louder than `threshold`: twice the
// frequency of a steady tone.
double ZeroCrossingRate(const peers::WavAudio& wav, double threshold) {
  const size_t window = static_cast<size_t>(wav.sample_rate * wav.channels / 50);
  int64_t crossings = 0;
  size_t active_samples = 0;
  for (size_t start = 0; window > 0 && start + window <= wav.samples.size(); start += window) {
    double sum = 0;
    for (size_t i = start; i < start + window; ++i) sum += double(wav.samples[i]) * wav.samples[i];
    if (std::sqrt(sum / window) <= threshold) continue;
    for (size_t i = start + 1; i < start + window; ++i) {
      if ((wav.samples[i - 1] < 0) != (wav.samples[i] < 0)) ++crossings;
    }
    active_samples += window;
  }
  if (active_samples == 0) return 0;
  return crossings * double(wav.sample_rate * wav.channels) / double(active_samples);
}

class SipVoicePeers : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { setup_ = StartAll(); }

  static Status StartAll() {
    std::string pattern = (fs::temp_directory_path() / "sip-peers-XXXXXX").string();
    dir_ = ::mkdtemp(pattern.data());
    password_ = "pw-" + std::to_string(::getpid());
    // One worker process per transport: with several, a phone's instant 180 and 200 may be
    // relayed in either order, and a 180 after the 200 is dropped (no kRinging). Real phones
    // ring before a person answers; the flow accepts kAnswered without kRinging anyway.
    auto k = peers::Kamailio::Start(dir_ + "/kamailio", kAuthUser, password_, /*children=*/1);
    if (!k.ok()) return k.status();
    kamailio_ = std::move(*k);
    const Deadline deadline = In(seconds(20));
    auto start = [&](const std::string& name, const peers::PhoneOptions& o,
                     std::unique_ptr<peers::Phone>& into) {
      auto p = peers::Phone::Start(dir_ + "/" + name, kamailio_->port(), o, deadline);
      if (p.ok()) into = std::move(*p);
      return p.status();
    };
    SECINFO_RETURN_IF_ERROR(start("main", {{kMain}, true, 4, true}, main_));
    SECINFO_RETURN_IF_ERROR(start("manual", {{kManual}, false, 1, false}, manual_));
    for (int group = 0; group < 2; ++group) {
      std::vector<std::string> numbers;
      for (int i = group * kCrowd / 2; i < (group + 1) * kCrowd / 2; ++i) {
        numbers.push_back(CrowdNumber(i));
      }
      SECINFO_RETURN_IF_ERROR(
          start("crowd" + std::to_string(group), {numbers, true, 2, false}, crowd_[group]));
    }
    auto v = SipVoice::Create(VoiceConfig("udp", kAuthUser, password_), clock_);
    if (!v.ok()) return v.status();
    voice_ = std::move(*v);
    log_ = new EventLog();
    voice_->SetEventSink(log_);
    return Status::Ok();
  }

  static void TearDownTestSuite() {
    voice_.reset();  // hangs up what is left
    delete log_;
    // Phones first: they un-register from a registrar that still answers.
    main_.reset();
    manual_.reset();
    crowd_[0].reset();
    crowd_[1].reset();
    kamailio_.reset();
    if (::testing::UnitTest::GetInstance()->Passed() && !std::getenv("SECINFO_KEEP_PEERS")) {
      fs::remove_all(dir_);
    } else {
      printf("peer logs and recordings kept in %s\n", dir_.c_str());
    }
  }

  void SetUp() override { ASSERT_TRUE(setup_.ok()) << "peers: " << setup_.ToString(); }

  static Config::Voice VoiceConfig(const std::string& transport, const std::string& user,
                                   const std::string& password) {
    Config::Voice v;
    v.provider = "sip";
    v.sip.host = "127.0.0.1";
    v.sip.port = kamailio_->port();
    v.sip.transport = transport;
    v.sip.user = user;
    v.sip.password = password;
    v.sip.local_address = "127.0.0.1";
    v.sip.prompt_cache_dir = dir_ + "/prompts";
    return v;
  }

  static CallRequest Call(const std::string& ref, const std::string& number) {
    return {ref, number, "fr", kPrompt, "Contoso"};
  }

  // Waits until `voice` has delivered the last event of every call.
  static bool WaitIdle(const SipVoice& voice, Deadline deadline) {
    return peers::PollUntil([&] { return voice.ActiveCalls() == 0; }, deadline);
  }

  // Answered call to kMain: presses `keys`, waits for the last one, returns the events.
  std::vector<CallEvent> AnswerAndPress(const std::string& ref, const std::string& keys) {
    EXPECT_TRUE(voice_->PlaceCall(Call(ref, kMain)).ok());
    EXPECT_TRUE(log_->WaitFor(ref, CallEventKind::kAnswered, In(seconds(10))))
        << Story(log_->Of(ref));
    EXPECT_TRUE(main_->Press(kMain, keys).ok());
    EXPECT_TRUE(log_->WaitFor(ref, CallEventKind::kDigit, In(seconds(10)), keys.back()))
        << Story(log_->Of(ref));
    EXPECT_TRUE(voice_->HangUp(ref).ok());
    EXPECT_TRUE(main_->WaitForCalls(kMain, 0, In(seconds(5))).ok());
    return log_->Of(ref);
  }

  // The recording of the call main_ answered since `before` was taken, once it holds 1.5 s of
  // audio (polls the WAV file). Empty when none does before `deadline`.
  static std::string WaitForRecording(const std::set<std::string>& before, Deadline deadline) {
    while (std::chrono::steady_clock::now() < deadline) {
      std::string recording;
      for (const std::string& f : Recordings(main_->record_dir())) {
        if (!before.count(f)) recording = f;
      }
      if (!recording.empty()) {
        auto wav = peers::ReadWav(recording);
        if (wav.ok() && wav->sample_rate > 0 &&
            wav->samples.size() >= static_cast<size_t>(wav->sample_rate * wav->channels * 3 / 2)) {
          return recording;
        }
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    return "";
  }

  // Places `call` (to kMain, which answers at once) and returns the phone's recording of it once
  // it holds 1.5 s of audio; empty (with the reason as a test failure) when it does not come.
  static std::string PlaceAnsweredAndRecorded(const CallRequest& call) {
    // baresip's sndfile names a recording after the second its call started: a call starting in
    // the second of the previous one would write over that file, and not be seen as new. Wait
    // for a second no recording is named after.
    const bool fresh = peers::PollUntil(
        [] {
          const std::time_t now = std::time(nullptr);
          std::tm tm{};
          localtime_r(&now, &tm);
          char stamp[32];
          std::strftime(stamp, sizeof stamp, "-%Y-%m-%d-%H-%M-%S-", &tm);
          for (const std::string& f : Recordings(main_->record_dir())) {
            if (f.find(stamp) != std::string::npos) return false;
          }
          return true;
        },
        In(seconds(3)));
    EXPECT_TRUE(fresh) << "recordings named after every second in " << main_->record_dir();
    const auto before = Recordings(main_->record_dir());
    EXPECT_TRUE(voice_->PlaceCall(call).ok());
    if (!log_->WaitFor(call.reference, CallEventKind::kAnswered, In(seconds(10)))) {
      ADD_FAILURE() << "not answered: " << Story(log_->Of(call.reference));
      return "";
    }
    std::string recording = WaitForRecording(before, In(seconds(10)));
    if (recording.empty()) ADD_FAILURE() << "no recording grew in " << main_->record_dir();
    return recording;
  }

  // The u-law audio the provider made of `text` in French (its prompt cache).
  static std::string CachedPrompt(const std::string& text) {
    std::ifstream cached(dir_ + "/prompts/" + sip::PromptCache::KeyFor("fr", text),
                         std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(cached)), {});
  }

  static inline Status setup_;
  static inline std::string dir_;
  static inline std::string password_;
  static inline SystemClock clock_;
  static inline std::unique_ptr<peers::Kamailio> kamailio_;
  static inline std::unique_ptr<peers::Phone> main_, manual_, crowd_[2];
  static inline std::unique_ptr<SipVoice> voice_;
  static inline EventLog* log_ = nullptr;
};

TEST_F(SipVoicePeers, AnsweredCallHearsThePromptAndPoundConfirms) {
  const std::string ref = "confirm";
  // Let 1.5 s of the prompt reach the phone's recorder before pressing.
  const std::string recording = PlaceAnsweredAndRecorded(Call(ref, kMain));
  ASSERT_FALSE(recording.empty());
  ASSERT_TRUE(main_->Press(kMain, "#").ok());
  ASSERT_TRUE(log_->WaitFor(ref, CallEventKind::kDigit, In(seconds(10)), '#'))
      << Story(log_->Of(ref));
  EXPECT_EQ(Story(log_->Of(ref)), "ringing answered #");
  EXPECT_EQ(FlowOutcome(log_->Of(ref)), "confirmed");

  // The flow hangs up a confirmed call; the phone sees it end.
  ASSERT_TRUE(voice_->HangUp(ref).ok());
  ASSERT_TRUE(main_->WaitForCalls(kMain, 0, In(seconds(5))).ok());
  ASSERT_TRUE(WaitIdle(*voice_, In(seconds(5))));
  EXPECT_EQ(Story(log_->Of(ref)), "ringing answered #");

  // What the phone heard is speech: loud enough, with pauses between words (silence would be 0,
  // a steady tone would be active in every window)...
  auto wav = peers::ReadWav(recording);
  ASSERT_TRUE(wav.ok()) << wav.status().ToString();
  ASSERT_EQ(wav->sample_rate, 8000) << recording;
  EXPECT_GT(wav->Rms(), 300.0) << recording;
  const double active = wav->ActiveShare(300.0);
  EXPECT_GT(active, 0.3) << recording;
  EXPECT_LT(active, 0.98) << recording;
  // ... and it is our prompt, sample for sample (G.711 decoders differ by a few units at most).
  const std::string ulaw = CachedPrompt(kPrompt);
  ASSERT_FALSE(ulaw.empty());
  EXPECT_GT(peers::MatchShare(wav->samples, peers::UlawToLinear(ulaw), 8), 0.95) << recording;
}

TEST_F(SipVoicePeers, AnsweredCallHearsTheTenantsGreetingInsteadOfThePrompt) {
  // A steady 1 kHz tone, nothing like speech, uploaded as a WAV and converted as set-greeting does.
  const std::string wav_path = dir_ + "/greeting.wav";
  Status made = RunTool({FindExecutable("sox"), "-n", "-r", "16000", "-c", "1", wav_path, "synth",
                         "3", "sine", "1000", "vol", "0.5"},
                        20'000);
  ASSERT_TRUE(made.ok()) << made.ToString();
  std::ifstream wav_file(wav_path, std::ios::binary);
  const std::string upload((std::istreambuf_iterator<char>(wav_file)), {});
  ConvertedGreeting greeting = ConvertGreeting(upload);
  ASSERT_EQ(greeting.error, GreetingError::kNone) << greeting.detail;

  const std::string ref = "greeting";
  CallRequest call = Call(ref, kMain);
  call.greeting_ulaw = greeting.ulaw;
  const std::string recording = PlaceAnsweredAndRecorded(call);
  ASSERT_FALSE(recording.empty());
  ASSERT_TRUE(main_->Press(kMain, "#").ok());
  ASSERT_TRUE(log_->WaitFor(ref, CallEventKind::kDigit, In(seconds(10)), '#'))
      << Story(log_->Of(ref));
  EXPECT_EQ(FlowOutcome(log_->Of(ref)), "confirmed");
  ASSERT_TRUE(voice_->HangUp(ref).ok());
  ASSERT_TRUE(main_->WaitForCalls(kMain, 0, In(seconds(5))).ok());
  ASSERT_TRUE(WaitIdle(*voice_, In(seconds(5))));

  // The phone heard the tone, not the spoken prompt: a steady 1 kHz (2000 sign changes a
  // second) in every window it was loud...
  auto heard = peers::ReadWav(recording);
  ASSERT_TRUE(heard.ok()) << heard.status().ToString();
  ASSERT_EQ(heard->sample_rate, 8000) << recording;
  EXPECT_GT(heard->ActiveShare(300.0), 0.95) << recording;
  EXPECT_NEAR(ZeroCrossingRate(*heard, 300.0), 2000.0, 100.0) << recording;
  // ... and it is the tenant's recording, sample for sample.
  EXPECT_GT(peers::MatchShare(heard->samples, peers::UlawToLinear(greeting.ulaw), 8), 0.95)
      << recording;
}

TEST_F(SipVoicePeers, ZeroPoundReportsFraud) {
  auto events = AnswerAndPress("fraud", "0#");
  EXPECT_EQ(Story(events), "ringing answered 0 #");
  EXPECT_EQ(FlowOutcome(events), "fraud_reported");
}

TEST_F(SipVoicePeers, AfterZeroPoundTheCallSaysNewWordsAndOneConfirms) {
  constexpr char kConfirm[] =
      "Vous avez signalé une fraude. Pour confirmer votre signalement, appuyez sur 1. Sinon, "
      "raccrochez.";
  const std::string ref = "say";
  const std::string recording = PlaceAnsweredAndRecorded(Call(ref, kMain));
  ASSERT_FALSE(recording.empty());

  // 1.5 s into the opening prompt, the person reports fraud.
  ASSERT_TRUE(main_->Press(kMain, "0#").ok());
  ASSERT_TRUE(log_->WaitFor(ref, CallEventKind::kDigit, In(seconds(10)), '#'))
      << Story(log_->Of(ref));
  EXPECT_EQ(FlowOutcome(log_->Of(ref), true), "confirming_fraud");
  ASSERT_TRUE(voice_->Say(ref, kConfirm, "fr").ok());
  // Say returns once the words are spoken into audio and queued: what the phone has recorded by
  // now is the opening prompt, and the new words follow within a few frames (whole 20 ms frames).
  auto heard = peers::ReadWav(recording);
  ASSERT_TRUE(heard.ok()) << heard.status().ToString();
  const size_t said_at = heard->samples.size() - heard->samples.size() % 160;
  const std::vector<int16_t> confirm = peers::UlawToLinear(CachedPrompt(kConfirm));
  const std::vector<int16_t> opening = peers::UlawToLinear(CachedPrompt(kPrompt));
  ASSERT_FALSE(confirm.empty());
  ASSERT_GT(opening.size(), said_at + 8000) << "the opening prompt must still have 1 s to go";

  // The phone hears the new words to their end (and half a second more), then presses 1.
  ASSERT_TRUE(peers::PollUntil(
      [&] {
        heard = peers::ReadWav(recording);
        return heard.ok() && heard->samples.size() >= said_at + confirm.size() + 4000;
      },
      In(seconds(20))))
      << recording;
  ASSERT_TRUE(main_->Press(kMain, "1").ok());
  ASSERT_TRUE(log_->WaitFor(ref, CallEventKind::kDigit, In(seconds(10)), '1'))
      << Story(log_->Of(ref));
  EXPECT_EQ(Story(log_->Of(ref)), "ringing answered 0 # 1");
  EXPECT_EQ(FlowOutcome(log_->Of(ref), true), "fraud_reported (confirmed)");
  ASSERT_TRUE(voice_->HangUp(ref).ok());
  ASSERT_TRUE(main_->WaitForCalls(kMain, 0, In(seconds(5))).ok());
  ASSERT_TRUE(WaitIdle(*voice_, In(seconds(5))));

  // Before "0#": the opening prompt. After it: the new words sample for sample (the switch
  // reaches the phone within a few frames, which MatchShare's alignment absorbs), and not the
  // rest of the opening prompt, which they replaced.
  const std::vector<int16_t> before_say(heard->samples.begin(),
                                        heard->samples.begin() + static_cast<long>(said_at));
  EXPECT_GT(peers::MatchShare(before_say, opening, 8), 0.9) << recording;
  const std::vector<int16_t> after_say(
      heard->samples.begin() + static_cast<long>(said_at),
      heard->samples.begin() + static_cast<long>(said_at + confirm.size()));
  EXPECT_GT(peers::MatchShare(after_say, confirm, 8), 0.85) << recording;
  const std::vector<int16_t> rest_of_opening(opening.begin() + static_cast<long>(said_at),
                                             opening.end());
  EXPECT_LT(peers::MatchShare(after_say, rest_of_opening, 8), 0.3) << recording;
}

TEST_F(SipVoicePeers, SayingOnACallThatIsNotInProgressIsNotFound) {
  EXPECT_EQ(voice_->Say("never-placed", "Bonjour", "fr").code(), Status::Code::kNotFound);
  auto events = AnswerAndPress("said-too-late", "#");
  ASSERT_TRUE(WaitIdle(*voice_, In(seconds(5))));
  EXPECT_EQ(voice_->Say("said-too-late", "Bonjour", "fr").code(), Status::Code::kNotFound);
  EXPECT_EQ(FlowOutcome(events), "confirmed");
}

TEST_F(SipVoicePeers, OtherKeyIsAWrongKey) {
  auto events = AnswerAndPress("wrong-key", "5");
  EXPECT_EQ(Story(events), "ringing answered 5");
  EXPECT_EQ(FlowOutcome(events), "wrong_key");
}

TEST_F(SipVoicePeers, UnansweredCallEndsSilentlyOnHangUpAndSecondCallIsBusy) {
  const std::string ring = "no-answer", busy = "busy";
  ASSERT_TRUE(voice_->PlaceCall(Call(ring, kManual)).ok());
  ASSERT_TRUE(log_->WaitFor(ring, CallEventKind::kRinging, In(seconds(10))))
      << Story(log_->Of(ring));
  ASSERT_TRUE(manual_->WaitForCalls(kManual, 1, In(seconds(5))).ok());

  // The phone takes one call at a time: a second one gets 486 Busy Here.
  ASSERT_TRUE(voice_->PlaceCall(Call(busy, kManual)).ok());
  ASSERT_TRUE(log_->WaitFor(busy, CallEventKind::kBusy, In(seconds(10)))) << Story(log_->Of(busy));
  EXPECT_EQ(FlowOutcome(log_->Of(busy)), "busy");

  // Nobody answers; the flow's ring timeout (driven here) ends the call from our side: CANCEL.
  ASSERT_TRUE(voice_->HangUp(ring).ok());
  ASSERT_TRUE(manual_->WaitForCalls(kManual, 0, In(seconds(5))).ok());
  ASSERT_TRUE(WaitIdle(*voice_, In(seconds(5))));
  EXPECT_EQ(Story(log_->Of(ring)), "ringing");
}

TEST_F(SipVoicePeers, PhoneHangingUpIsReported) {
  const std::string ref = "phone-hangs-up";
  ASSERT_TRUE(voice_->PlaceCall(Call(ref, kMain)).ok());
  ASSERT_TRUE(log_->WaitFor(ref, CallEventKind::kAnswered, In(seconds(10))))
      << Story(log_->Of(ref));
  ASSERT_TRUE(main_->HangUp(kMain).ok());
  ASSERT_TRUE(log_->WaitFor(ref, CallEventKind::kHungUp, In(seconds(10)))) << Story(log_->Of(ref));
  EXPECT_EQ(Story(log_->Of(ref)), "ringing answered hung_up");
  EXPECT_EQ(FlowOutcome(log_->Of(ref)), "hung_up");
  EXPECT_TRUE(WaitIdle(*voice_, In(seconds(5))));
}

TEST_F(SipVoicePeers, UnknownNumberFails) {
  const std::string ref = "unknown";
  ASSERT_TRUE(voice_->PlaceCall(Call(ref, kNobody)).ok());
  ASSERT_TRUE(log_->WaitFor(ref, CallEventKind::kFailed, In(seconds(10)))) << Story(log_->Of(ref));
  auto events = log_->Of(ref);
  ASSERT_EQ(events.size(), 1u) << Story(events);
  EXPECT_NE(events[0].detail.find("404"), std::string::npos) << events[0].detail;
  EXPECT_EQ(FlowOutcome(events), "failed");
}

TEST_F(SipVoicePeers, TcpTransportWithDigestAuthAndMissingCredentials) {
  EventLog log;
  auto tcp = SipVoice::Create(VoiceConfig("tcp", kAuthUser, password_), clock_);
  ASSERT_TRUE(tcp.ok()) << tcp.status().ToString();
  (*tcp)->SetEventSink(&log);
  ASSERT_TRUE((*tcp)->PlaceCall(Call("tcp", kMain)).ok());
  ASSERT_TRUE(log.WaitFor("tcp", CallEventKind::kAnswered, In(seconds(10))))
      << Story(log.Of("tcp"));
  ASSERT_TRUE(main_->Press(kMain, "#").ok());
  ASSERT_TRUE(log.WaitFor("tcp", CallEventKind::kDigit, In(seconds(10)), '#'))
      << Story(log.Of("tcp"));
  EXPECT_EQ(FlowOutcome(log.Of("tcp")), "confirmed");
  ASSERT_TRUE((*tcp)->HangUp("tcp").ok());
  ASSERT_TRUE(main_->WaitForCalls(kMain, 0, In(seconds(5))).ok());

  // Without credentials the proxy's challenge cannot be answered.
  auto anonymous = SipVoice::Create(VoiceConfig("udp", "", ""), clock_);
  ASSERT_TRUE(anonymous.ok()) << anonymous.status().ToString();
  (*anonymous)->SetEventSink(&log);
  ASSERT_TRUE((*anonymous)->PlaceCall(Call("anonymous", kMain)).ok());
  ASSERT_TRUE(log.WaitFor("anonymous", CallEventKind::kFailed, In(seconds(10))))
      << Story(log.Of("anonymous"));
  EXPECT_NE(log.Of("anonymous")[0].detail.find("407"), std::string::npos)
      << log.Of("anonymous")[0].detail;
}

TEST_F(SipVoicePeers, DestroyingTheProviderHangsUpItsCalls) {
  EventLog log;
  auto other = SipVoice::Create(VoiceConfig("udp", kAuthUser, password_), clock_);
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  (*other)->SetEventSink(&log);
  ASSERT_TRUE((*other)->PlaceCall(Call("answered", kMain)).ok());
  ASSERT_TRUE((*other)->PlaceCall(Call("ringing", kManual)).ok());
  ASSERT_TRUE(log.WaitFor("answered", CallEventKind::kAnswered, In(seconds(10))));
  ASSERT_TRUE(log.WaitFor("ringing", CallEventKind::kRinging, In(seconds(10))));
  other->reset();  // BYE to one, CANCEL to the other
  EXPECT_TRUE(main_->WaitForCalls(kMain, 0, In(seconds(5))).ok());
  EXPECT_TRUE(manual_->WaitForCalls(kManual, 0, In(seconds(5))).ok());
  EXPECT_EQ(Story(log.Of("answered")), "ringing answered");
  EXPECT_EQ(Story(log.Of("ringing")), "ringing");
}

TEST_F(SipVoicePeers, CallsEndAtTheSafetyLimit) {
  EventLog log;
  SipVoiceOptions options;
  options.max_call_seconds = 1;
  auto limited = SipVoice::Create(VoiceConfig("udp", kAuthUser, password_), clock_, options);
  ASSERT_TRUE(limited.ok()) << limited.status().ToString();
  (*limited)->SetEventSink(&log);
  ASSERT_TRUE((*limited)->PlaceCall(Call("forever", kManual)).ok());
  ASSERT_TRUE(log.WaitFor("forever", CallEventKind::kFailed, In(seconds(10))))
      << Story(log.Of("forever"));
  EXPECT_EQ(Story(log.Of("forever")), "ringing failed(ended by secinfo after 1 s (safety limit))");
  EXPECT_TRUE(manual_->WaitForCalls(kManual, 0, In(seconds(5))).ok());
}

// Sends RFC 4733 "end of key" packets for `key` from a UDP socket of its own (another port than
// the phone's media) to every port of [first, last] on loopback: a stranger who can reach our
// RTP ports and guesses the payload type.
void SprayTelephoneEvents(char key, uint16_t first, uint16_t last, uint32_t ssrc) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  const uint8_t event = key == '#' ? 11 : key == '*' ? 10 : static_cast<uint8_t>(key - '0');
  for (uint16_t round = 0; round < 20; ++round) {
    const uint32_t ts = 8000u * (round + 1);
    const uint8_t packet[] = {0x80,
                              0x80 | 101,
                              0,
                              static_cast<uint8_t>(round),
                              static_cast<uint8_t>(ts >> 24),
                              static_cast<uint8_t>(ts >> 16),
                              static_cast<uint8_t>(ts >> 8),
                              static_cast<uint8_t>(ts),
                              static_cast<uint8_t>(ssrc >> 24),
                              static_cast<uint8_t>(ssrc >> 16),
                              static_cast<uint8_t>(ssrc >> 8),
                              static_cast<uint8_t>(ssrc),
                              event,
                              0x80 | 10,
                              0x03,
                              0x20};
    for (uint32_t port = first; port <= last; ++port) {
      sockaddr_in to{};
      to.sin_family = AF_INET;
      to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      to.sin_port = htons(static_cast<uint16_t>(port));
      (void)::sendto(fd, packet, sizeof(packet), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    }
  }
  ::close(fd);
}

TEST_F(SipVoicePeers, KeysFromAnotherRtpSenderAreNotHeard) {
  // A provider of its own, whose few RTP ports the stray sender can all reach.
  auto ports = peers::PickFreePort(8);
  ASSERT_TRUE(ports.ok()) << ports.status().ToString();
  SipVoiceOptions options;
  options.rtp_port_min = *ports;
  options.rtp_port_max = static_cast<uint16_t>(*ports + 7);
  auto voice = SipVoice::Create(VoiceConfig("udp", kAuthUser, password_), clock_, options);
  ASSERT_TRUE(voice.ok()) << voice.status().ToString();
  EventLog log;
  (*voice)->SetEventSink(&log);
  ASSERT_TRUE((*voice)->PlaceCall(Call("stray", kMain)).ok());
  ASSERT_TRUE(log.WaitFor("stray", CallEventKind::kAnswered, In(seconds(10))))
      << Story(log.Of("stray"));
  for (char key : {'#', '0'}) {
    SprayTelephoneEvents(key, options.rtp_port_min, options.rtp_port_max, 0x5eed0000u + key);
  }
  // Absence can only be shown by waiting: two seconds is far longer than loopback delivery.
  EXPECT_FALSE(log.WaitFor("stray", CallEventKind::kDigit, In(seconds(2)), '#'))
      << Story(log.Of("stray"));
  EXPECT_EQ(Story(log.Of("stray")), "ringing answered");
  // The phone itself is still heard.
  ASSERT_TRUE(main_->Press(kMain, "#").ok());
  EXPECT_TRUE(log.WaitFor("stray", CallEventKind::kDigit, In(seconds(10)), '#'))
      << Story(log.Of("stray"));
  EXPECT_EQ(FlowOutcome(log.Of("stray")), "confirmed");
  ASSERT_TRUE((*voice)->HangUp("stray").ok());
  EXPECT_TRUE(main_->WaitForCalls(kMain, 0, In(seconds(5))).ok());
}

TEST_F(SipVoicePeers, TwentyConcurrentCallsAreEachConfirmed) {
  auto phone_of = [&](int i) -> peers::Phone& { return *crowd_[i < kCrowd / 2 ? 0 : 1]; };
  auto ref_of = [](int i) { return "crowd-" + std::to_string(i); };
  for (int i = 0; i < kCrowd; ++i) {
    ASSERT_TRUE(voice_->PlaceCall(Call(ref_of(i), CrowdNumber(i))).ok());
  }
  for (int i = 0; i < kCrowd; ++i) {
    ASSERT_TRUE(log_->WaitFor(ref_of(i), CallEventKind::kAnswered, In(seconds(20))))
        << ref_of(i) << ": " << Story(log_->Of(ref_of(i)));
  }
  EXPECT_EQ(voice_->ActiveCalls(), static_cast<size_t>(kCrowd));
  for (int i = 0; i < kCrowd; ++i) ASSERT_TRUE(phone_of(i).Press(CrowdNumber(i), "#").ok());
  for (int i = 0; i < kCrowd; ++i) {
    ASSERT_TRUE(log_->WaitFor(ref_of(i), CallEventKind::kDigit, In(seconds(20)), '#'))
        << ref_of(i) << ": " << Story(log_->Of(ref_of(i)));
  }
  for (int i = 0; i < kCrowd; ++i) {
    EXPECT_EQ(Story(log_->Of(ref_of(i))), "ringing answered #") << ref_of(i);
    EXPECT_EQ(FlowOutcome(log_->Of(ref_of(i))), "confirmed") << ref_of(i);
    ASSERT_TRUE(voice_->HangUp(ref_of(i)).ok());
  }
  for (int i = 0; i < kCrowd; ++i) {
    ASSERT_TRUE(phone_of(i).WaitForCalls(CrowdNumber(i), 0, In(seconds(10))).ok()) << i;
  }
  EXPECT_TRUE(WaitIdle(*voice_, In(seconds(5))));
  EXPECT_TRUE(voice_->Health().ok()) << voice_->Health().ToString();
}

}  // namespace
}  // namespace secinfo::channels
