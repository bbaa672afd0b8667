// Devices' long polls against the real server and web app: parked polls hold no worker thread,
// are answered when a request comes, and a signed poll URL works once.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

#include "channels/email/simulated/simulated_email.h"
#include "channels/sms/simulated/simulated_sms.h"
#include "channels/voice/simulated/simulated_voice.h"
#include "crypto/ecdsa.h"
#include "http/server.h"
#include "http/url.h"
#include "methods/authenticator/app_data.h"
#include "store/sql/sql_store.h"
#include "web/app.h"

namespace secinfo::web {
namespace {

using namespace std::chrono_literals;
using Steady = std::chrono::steady_clock;

// One HTTP/1.1 exchange over a raw loopback socket, so that 64 of them can wait at once.
class Connection {
 public:
  explicit Connection(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Connection() { close(fd_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool Get(const std::string& target) {
    std::string raw = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    return connected_ && send(fd_, raw.data(), raw.size(), MSG_NOSIGNAL) == ssize_t(raw.size());
  }
  // True when a response (or a close) is waiting to be read.
  bool Answered(std::chrono::milliseconds within = 0ms) {
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    return poll(&p, 1, static_cast<int>(within.count())) == 1;
  }
  // Status and body of the response, waiting up to `within`; nullopt when none came.
  std::optional<std::pair<int, std::string>> Read(std::chrono::milliseconds within = 10s) {
    const auto deadline = Steady::now() + within;
    size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos || in_.size() < end + 4 + Length()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Steady::now());
      if (left <= 0ms || !Answered(left)) return std::nullopt;
      char chunk[4096];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return std::nullopt;
      in_.append(chunk, size_t(n));
    }
    return std::pair{std::stoi(in_.substr(9, 3)), in_.substr(end + 4, Length())};
  }

 private:
  size_t Length() const {
    size_t at = http::ToLower(in_).find("\r\ncontent-length:");
    return at == std::string::npos ? 0 : std::stoul(in_.substr(at + 17));
  }

  int fd_;
  bool connected_ = false;
  std::string in_;
};

struct Device {
  store::User user;
  int64_t method_id = 0;
  std::string id;
  crypto::EcdsaKeyPair keys;
};

class LongPollTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(testing::TempDir()) /
           ("long_poll_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    store::SqlStoreOptions o;
    o.connection = (dir_ / "db.sqlite").string();
    auto s = store::OpenSqlStore(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
    tenant_id_ = *store_->tenants().Create({0, "Contoso", "contoso.example", "fr", "FR"});
    sim_ = std::make_unique<channels::SimulatedVoice>(store_->sim_calls(), clock_);
    phones_ = std::make_unique<flows::PhoneRegistration>(*store_, *sim_, clock_, random_,
                                                         flows::PhoneRegistrationOptions{});
    sessions_ = std::make_unique<flows::Sessions>(*store_, clock_, random_, flows::SignInOptions{});
    sms_ = std::make_unique<channels::SimulatedSms>(store_->sim_messages(), clock_);
    email_ = std::make_unique<channels::SimulatedEmail>(store_->sim_messages(), clock_);
    codes_ = std::make_unique<flows::CodeRegistration>(*store_, *sms_, *email_, clock_, random_,
                                                       retries_, "otp-key", flows::CodeOptions{});
    apps_ = std::make_unique<flows::AppRegistration>(
        *store_, clock_, random_, crypto::SecretBox(std::string(32, 's')), flows::AppOptions{});
    push_ = std::make_unique<flows::PushApproval>(
        *store_, clock_, random_, crypto::SecretBox(std::string(32, 's')), flows::PushOptions{});
    http::ServerOptions options;
    options.port = 0;
    options.worker_threads = 4;  // the default: 64 polls are 16 times as many
    server_ = std::make_unique<http::Server>(
        options,
        BuildWebApp(WebDeps{*store_, *sessions_, *phones_, *codes_, *apps_, *push_, sim_.get(),
                            &store_->sim_messages(), clock_, random_, std::string(32, 'k')}));
    ASSERT_TRUE(server_->Start().ok());
  }

  void TearDown() override {
    if (server_) server_->Stop();
    retries_.Shutdown();
  }

  // A person with an authenticator app whose companion device is bound (binding itself is
  // PushApproval's, tested there).
  Device Bind(int i) {
    Device d;
    d.user.tenant_id = tenant_id_;
    d.user.username = "user" + std::to_string(i) + "@contoso.example";
    d.user.password_hash = "$argon2id$unused";
    d.user.id = *store_->users().Create(d.user);
    d.keys = *crypto::GenerateEcdsaP256KeyPair();
    d.id = "device-" + std::to_string(i) + "-" + random_.Token();
    store::Method m;
    m.user_id = d.user.id;
    methods::authenticator::Put({"Phone " + std::to_string(i), d.keys.public_key_b64, d.id}, m);
    m.created_at = clock_.NowMillis();
    d.method_id = *store_->methods().Create(m);
    return d;
  }

  // The device's signed poll URL for time `ts`, as the companion builds it.
  static std::string PollUrl(const Device& d, int64_t ts) {
    std::string sig =
        *crypto::EcdsaP256Sign(d.keys.private_key_pem, flows::PushApproval::PollPayload(d.id, ts));
    return "/api/authenticator/requests?device=" + http::UrlEncode(d.id) +
           "&ts=" + std::to_string(ts) + "&sig=" + http::UrlEncode(sig);
  }

  uint16_t port() const { return server_->port(); }

  std::filesystem::path dir_;
  SystemClock clock_;
  SystemRandom random_;
  BackgroundScheduler retries_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<channels::SimulatedVoice> sim_;
  std::unique_ptr<flows::PhoneRegistration> phones_;
  std::unique_ptr<flows::Sessions> sessions_;
  std::unique_ptr<channels::SimulatedSms> sms_;
  std::unique_ptr<channels::SimulatedEmail> email_;
  std::unique_ptr<flows::CodeRegistration> codes_;
  std::unique_ptr<flows::AppRegistration> apps_;
  std::unique_ptr<flows::PushApproval> push_;
  std::unique_ptr<http::Server> server_;
  int64_t tenant_id_ = 0;
};

TEST_F(LongPollTest, SixtyFourParkedPollsLeaveHealthzFastAndAreAnsweredByARequest) {
  constexpr int kDevices = 64;
  std::vector<Device> devices;
  for (int i = 0; i < kDevices; ++i) devices.push_back(Bind(i));
  const int64_t ts = clock_.NowSeconds();
  std::vector<std::unique_ptr<Connection>> polls;
  for (const Device& d : devices) {
    polls.push_back(std::make_unique<Connection>(port()));
    ASSERT_TRUE(polls.back()->Get(PollUrl(d, ts)));
  }
  // Every poll is parked: none has anything to say yet.
  const auto parked_by = Steady::now() + 10s;
  EXPECT_FALSE(polls[0]->Answered(300ms)) << "a poll with nothing to say was answered";
  for (int i = 1; i < kDevices; ++i) EXPECT_FALSE(polls[i]->Answered()) << "poll " << i;

  // /healthz answers in under 50 ms, every time, while the 64 polls wait.
  std::vector<std::chrono::microseconds> latencies;
  for (int i = 0; i < 40; ++i) {
    const auto start = Steady::now();
    Connection health(port());
    ASSERT_TRUE(health.Get("/healthz"));
    auto r = health.Read(5s);
    latencies.push_back(
        std::chrono::duration_cast<std::chrono::microseconds>(Steady::now() - start));
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->first, 200);
    EXPECT_EQ(r->second, "ok\n");
  }
  std::sort(latencies.begin(), latencies.end());
  std::printf("healthz with %d parked polls: median %.2f ms, max %.2f ms\n", kDevices,
              latencies[latencies.size() / 2].count() / 1000.0, latencies.back().count() / 1000.0);
  EXPECT_LT(latencies.back(), 50ms);
  EXPECT_LT(Steady::now(), parked_by);

  // A request for device 17: its poll is answered with it at once; the others keep waiting.
  auto request = push_->SendTest(devices[17].user, devices[17].method_id, "198.51.100.7");
  ASSERT_TRUE(request.ok());
  auto answered = polls[17]->Read(2s);
  ASSERT_TRUE(answered.has_value()) << "the parked poll was not woken";
  EXPECT_EQ(answered->first, 200);
  EXPECT_NE(answered->second.find(request->id), std::string::npos) << answered->second;
  EXPECT_NE(answered->second.find("198.51.100.7"), std::string::npos);
  EXPECT_FALSE(polls[16]->Answered());
  EXPECT_FALSE(polls[18]->Answered());

  // The same URL again, as someone who captured it would send it: refused.
  Connection replay(port());
  ASSERT_TRUE(replay.Get(PollUrl(devices[17], ts)));
  auto refused = replay.Read(2s);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->first, 401);
  EXPECT_NE(refused->second.find("bad_request_signature"), std::string::npos);
  // The device's next poll, signed for a later time, gets the request still pending at once.
  Connection next(port());
  ASSERT_TRUE(next.Get(PollUrl(devices[17], ts + 1)));
  auto again = next.Read(2s);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->first, 200);
  EXPECT_NE(again->second.find(request->id), std::string::npos);

  // Per device, two polls may wait at once; a third is told to come back.
  Connection second(port()), third(port());
  ASSERT_TRUE(second.Get(PollUrl(devices[3], ts + 1)));
  EXPECT_FALSE(second.Answered(100ms));  // parked before the third arrives
  ASSERT_TRUE(third.Get(PollUrl(devices[3], ts + 2)));
  auto busy = third.Read(2s);
  ASSERT_TRUE(busy.has_value());
  EXPECT_EQ(busy->first, 429);
  EXPECT_FALSE(second.Answered());

  // Stopping answers what still waits, promptly.
  const auto stop = Steady::now();
  server_->Stop();
  EXPECT_LT(Steady::now() - stop, 3s);
  auto last = polls[0]->Read(2s);
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->first, 503);
}

}  // namespace
}  // namespace secinfo::web
