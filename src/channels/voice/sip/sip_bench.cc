// How many calls one SipVoice holds at once with no lost key press (not run by ctest).
//
//   build/src/channels/sip_bench [--calls 50,100,200] [--per-phone 25]
//
// Starts kamailio and enough baresip phones (each registered under --per-phone numbers, auto
// answer), then for each size N: places N calls at once, waits until all are answered (all N are
// then up together, each streaming its prompt), presses '#' on every phone, and counts the '#'
// that reach the sink. A round passes when every call was answered and every '#' arrived exactly
// once. Prints one line per round and a Markdown row for bench/README.md. The phones run on the
// same machine, so on 2 cores the number measures the machine as much as SipVoice.
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "channels/voice/sip/sip_voice.h"
#include "sip_peers.h"

namespace secinfo::channels {
namespace {

namespace fs = std::filesystem;
using peers::In;
using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

class Counter : public CallEventSink {
 public:
  void OnCallEvent(std::string_view, std::string_view reference, const CallEvent& e) override {
    std::lock_guard lock(mu_);
    auto& c = calls_[std::string(reference)];
    if (e.kind == CallEventKind::kAnswered) ++answered_;
    if (e.kind == CallEventKind::kDigit && e.digit == '#') {
      if (++c.pounds == 1) ++pounds_;
    } else if (e.kind == CallEventKind::kDigit) {
      ++other_digits_;
    }
    if (e.kind == CallEventKind::kHungUp || e.kind == CallEventKind::kFailed ||
        e.kind == CallEventKind::kBusy) {
      ++ended_;
      last_end_ = e.detail;
    }
    cv_.notify_all();
  }
  bool Wait(int answered, int pounds, Clock::time_point deadline) {
    std::unique_lock lock(mu_);
    return cv_.wait_until(lock, deadline,
                          [&] { return answered_ >= answered && pounds_ >= pounds; });
  }
  void Reset() {
    std::lock_guard lock(mu_);
    calls_.clear();
    answered_ = pounds_ = other_digits_ = ended_ = 0;
  }
  struct Totals {
    int answered, pounds, duplicates, other_digits, ended;
    std::string last_end;
  };
  Totals Get() {
    std::lock_guard lock(mu_);
    int dup = 0;
    for (auto& [ref, c] : calls_) dup += c.pounds > 1 ? c.pounds - 1 : 0;
    return {answered_, pounds_, dup, other_digits_, ended_, last_end_};
  }

 private:
  struct Call {
    int pounds = 0;
  };
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Call> calls_;
  int answered_ = 0, pounds_ = 0, other_digits_ = 0, ended_ = 0;
  std::string last_end_;
};

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string Number(int i) { return "+3380" + std::to_string(1000000 + i); }

int Main(int argc, char** argv) {
  std::vector<int> sizes = {50, 100, 200};
  int per_phone = 25;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--calls") {
      sizes.clear();
      std::stringstream list(argv[i + 1]);
      for (std::string n; std::getline(list, n, ',');) sizes.push_back(std::stoi(n));
    } else if (flag == "--per-phone") {
      per_phone = std::stoi(argv[i + 1]);
    }
  }
  int most = 0;
  for (int n : sizes) most = std::max(most, n);

  std::string pattern = (fs::temp_directory_path() / "sip-bench-XXXXXX").string();
  const std::string dir = ::mkdtemp(pattern.data());
  auto kamailio = peers::Kamailio::Start(dir + "/kamailio", "bench", "bench-pw", 4);
  if (!kamailio.ok()) {
    fprintf(stderr, "kamailio: %s\n", kamailio.status().ToString().c_str());
    return 1;
  }
  std::vector<std::unique_ptr<peers::Phone>> phones;
  for (int first = 0; first < most; first += per_phone) {
    peers::PhoneOptions o;
    for (int i = first; i < std::min(most, first + per_phone); ++i) o.numbers.push_back(Number(i));
    o.max_calls = 2;
    auto p = peers::Phone::Start(dir + "/phone" + std::to_string(phones.size()),
                                 (*kamailio)->port(), o, In(seconds(60)));
    if (!p.ok()) {
      fprintf(stderr, "phone: %s\n", p.status().ToString().c_str());
      return 1;
    }
    phones.push_back(std::move(*p));
  }
  auto phone_of = [&](int i) -> peers::Phone& { return *phones[i / per_phone]; };

  SystemClock clock;
  Config::Voice v;
  v.provider = "sip";
  v.sip.host = "127.0.0.1";
  v.sip.port = (*kamailio)->port();
  v.sip.user = "bench";
  v.sip.password = "bench-pw";
  v.sip.prompt_cache_dir = dir + "/prompts";
  auto voice = SipVoice::Create(v, clock);
  if (!voice.ok()) {
    fprintf(stderr, "SipVoice: %s\n", voice.status().ToString().c_str());
    return 1;
  }
  Counter counter;
  (*voice)->SetEventSink(&counter);
  const std::string prompt =
      "Bonjour. Contoso vérifie votre numéro de téléphone. Appuyez sur la touche dièse pour "
      "confirmer.";

  int best = 0;
  for (int n : sizes) {
    counter.Reset();
    const double cpu0 = CpuSeconds();
    const auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) {
      Status s = (*voice)->PlaceCall(
          {"b" + std::to_string(n) + "-" + std::to_string(i), Number(i), "fr", prompt, "bench"});
      if (!s.ok()) fprintf(stderr, "place %d: %s\n", i, s.ToString().c_str());
    }
    const bool all_answered = counter.Wait(n, 0, Clock::now() + seconds(60));
    const auto t_answered = Clock::now();
    const size_t up = (*voice)->ActiveCalls();
    // All calls are up now; hold them for 2 s of audio, then every phone presses '#'.
    std::this_thread::sleep_for(seconds(2));
    const auto t_press = Clock::now();
    for (int i = 0; i < n; ++i) (void)phone_of(i).Press(Number(i), "#");
    const auto t_pressed = Clock::now();
    counter.Wait(n, n, Clock::now() + seconds(30));
    const auto t_digits = Clock::now();
    const double cpu = CpuSeconds() - cpu0;
    auto totals = counter.Get();
    for (int i = 0; i < n; ++i)
      (void)(*voice)->HangUp("b" + std::to_string(n) + "-" + std::to_string(i));
    for (int i = 0; i < n; ++i) (void)phone_of(i).WaitForCalls(Number(i), 0, In(seconds(20)));
    while ((*voice)->ActiveCalls() != 0) std::this_thread::sleep_for(milliseconds(20));

    const bool ok =
        all_answered && totals.pounds == n && totals.duplicates == 0 && totals.other_digits == 0;
    if (ok) best = std::max(best, n);
    auto ms = [](auto d) { return std::chrono::duration_cast<milliseconds>(d).count(); };
    printf(
        "%4d calls: %s; answered %d in %lld ms (%zu up together); '#' %d/%d in %lld ms after "
        "the presses (%lld ms to press all), %d duplicate, %d other; SipVoice process CPU "
        "%.1f s over %.1f s; health %s%s%s\n",
        n, ok ? "PASS" : "FAIL", totals.answered, static_cast<long long>(ms(t_answered - t0)), up,
        totals.pounds, n, static_cast<long long>(ms(t_digits - t_pressed)),
        static_cast<long long>(ms(t_pressed - t_press)), totals.duplicates, totals.other_digits,
        cpu, ms(Clock::now() - t0) / 1000.0,
        (*voice)->Health().ok() ? "ok" : (*voice)->Health().ToString().c_str(),
        totals.ended ? "; ended early: " : "", totals.ended ? totals.last_end.c_str() : "");
    fflush(stdout);
  }
  voice->reset();
  for (auto& p : phones) p->Stop();
  (*kamailio)->Stop();
  fs::remove_all(dir);
  printf(
      "\n| concurrent SIP calls held by one SipVoice, every '#' received (kamailio + %zu "
      "baresip on the same machine) | %d |\n",
      phones.size(), best);
  return best > 0 ? 0 : 1;
}

}  // namespace
}  // namespace secinfo::channels

int main(int argc, char** argv) { return secinfo::channels::Main(argc, argv); }
