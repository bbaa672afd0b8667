#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/clock.h"
#include "crypto/ecdsa.h"
#include "http/router.h"
#include "http/server.h"
#include "methods/authenticator/push.h"
#include "methods/authenticator/totp_method.h"

namespace secinfo::cli::authenticator {

// A small secinfo stand-in that implements the companion's contract (enrol, long-poll, answer)
// on our own HTTP server, judging answers with the real methods/authenticator/push.h rules.
// For tests only. Thread-safe: handlers run on the server's workers, guarded by mu_.
class FakePushServer {
 public:
  struct Challenge {
    std::string device;
    int number = 0;
    int64_t created_at = 0;
    std::string ip = "192.0.2.1";
    std::optional<std::string> outcome;  // once answered
    std::string decision;
    bool report = false;
  };

  // The TOTP seed every enrolment hands out (RFC 6238's test seed).
  static constexpr std::string_view kSeed = "12345678901234567890";

  FakePushServer() {
    http::Router router;
    router.Post("/api/authenticator/enrol/:token", [this](http::Request& r) { return Enrol(r); });
    router.Get("/api/authenticator/requests", [this](http::Request& r) { return Poll(r); });
    router.Post("/api/authenticator/requests/:id", [this](http::Request& r) { return Answer(r); });
    router.Post("/api/authenticator/moved/:token", [this](http::Request&) {
      return http::Response::Redirect(
          "http://127.0.0.2:" + std::to_string(server_->port()) + "/api/authenticator/enrol/x",
          302);
    });
    http::ServerOptions options;
    options.port = 0;
    options.worker_threads = 8;  // several long polls at once
    server_ = std::make_unique<http::Server>(
        options, [router = std::move(router)](http::Request& r) { return router.Dispatch(r); });
    Status s = server_->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
  }

  ~FakePushServer() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    server_->Stop();
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::string api() const { return base() + "/api/authenticator"; }

  // A fresh single-use registration link.
  std::string NewLink() {
    std::lock_guard lock(mu_);
    std::string token = "tok" + std::to_string(++serial_);
    tokens_.push_back(token);
    return api() + "/enrol/" + token;
  }

  // Shows a sign-in with `number` to `device`; returns the request id.
  std::string Push(const std::string& device, int number, int64_t age_millis = 0) {
    std::string id;
    {
      std::lock_guard lock(mu_);
      id = "req" + std::to_string(++serial_);
      challenges_[id] = Challenge{device, number, SystemClock().NowMillis() - age_millis};
    }
    cv_.notify_all();
    return id;
  }

  Challenge Get(const std::string& id) {
    std::lock_guard lock(mu_);
    return challenges_.at(id);
  }
  int answers() {
    std::lock_guard lock(mu_);
    return answers_;
  }
  int polls() {
    std::lock_guard lock(mu_);
    return polls_;
  }
  std::vector<std::string> devices() {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    for (const auto& [id, key] : devices_) out.push_back(id);
    return out;
  }
  void ForgetDevice(const std::string& device) {
    std::lock_guard lock(mu_);
    devices_.erase(device);
  }
  // Knobs, set before the client runs.
  void ListAnsweredToo() {  // a server slow to drop answered requests
    std::lock_guard lock(mu_);
    list_answered_ = true;
  }
  void FailNextPolls(int n) {  // answered 503
    std::lock_guard lock(mu_);
    fail_polls_ = n;
  }
  void ReplyApi(std::string api) {
    std::lock_guard lock(mu_);
    api_override_ = std::move(api);
  }

 private:
  using json = nlohmann::json;

  http::Response Enrol(http::Request& r) {
    std::lock_guard lock(mu_);
    auto it = std::find(tokens_.begin(), tokens_.end(), r.Param("token"));
    if (it == tokens_.end()) return http::Response::Json(R"({"error":"expired"})", 410);
    tokens_.erase(it);
    json body = json::parse(r.body, nullptr, false);
    std::string key = body.is_object() ? body.value("public_key", "") : "";
    if (!crypto::IsValidEcdsaP256PublicKey(key)) {
      return http::Response::Json(R"({"error":"bad public_key"})", 400);
    }
    std::string device = "dev" + std::to_string(++serial_);
    devices_[device] = key;
    names_[device] = body.value("device_name", "");
    return http::Response::Json(
        json{{"device_id", device},
             {"account", "ana@contoso.example"},
             {"issuer", "Contoso"},
             {"api", api_override_.empty() ? api() : api_override_},
             {"otpauth", methods::authenticator::KeyUri("Contoso", "ana@contoso.example", kSeed)}}
            .dump());
  }

  http::Response Poll(http::Request& r) {
    std::unique_lock lock(mu_);
    ++polls_;
    if (fail_polls_ > 0) {
      --fail_polls_;
      return http::Response::Json(R"({"error":"busy"})", 503);
    }
    const std::string device = r.Query("device");
    auto key = devices_.find(device);
    const int64_t ts = std::atoll(r.Query("ts").c_str());
    if (key == devices_.end() || std::llabs(ts - SystemClock().NowSeconds()) > 120 ||
        !crypto::EcdsaP256Verify(key->second,
                                 "secinfo-poll-v1\n" + device + "\n" + r.Query("ts") + "\n",
                                 r.Query("sig")) ||
        !used_polls_.emplace(device, ts).second) {  // as secinfo: a signed poll works once
      return http::Response::Json(R"({"error":"unauthorized"})", 401);
    }
    json list = json::array();
    auto collect = [&] {
      for (const auto& [id, c] : challenges_) {
        if (c.device != device || (c.outcome && !list_answered_)) continue;
        list.push_back({{"id", id},
                        {"account", "ana@contoso.example"},
                        {"app", "secinfo"},
                        {"ip", c.ip},
                        {"created_at", c.created_at},
                        {"expires_at", c.created_at + 60'000}});
      }
      return !list.empty() || stopping_;
    };
    cv_.wait_for(lock, std::chrono::milliseconds(300), collect);  // a short long poll
    return http::Response::Json(json{{"requests", list}}.dump());
  }

  http::Response Answer(http::Request& r) {
    std::lock_guard lock(mu_);
    ++answers_;
    json body = json::parse(r.body, nullptr, false);
    auto c = challenges_.find(r.Param("id"));
    if (!body.is_object() || c == challenges_.end() ||
        body.value("device", "") != c->second.device) {
      return http::Response::Json(R"({"error":"not found"})", 404);
    }
    if (c->second.outcome) return http::Response::Json(R"({"outcome":"not_pending"})");
    namespace push = methods::authenticator;
    push::PushChallengeView view{c->first, c->second.number, c->second.created_at};
    push::PushOutcome o = push::CheckPushResponse(
        view, body.value("number", -1), body.value("decision", ""), body.value("signature", ""),
        devices_[c->second.device], SystemClock().NowMillis());
    static const std::map<push::PushOutcome, std::string> kNames = {
        {push::PushOutcome::kApproved, "approved"},
        {push::PushOutcome::kDenied, "denied"},
        {push::PushOutcome::kWrongNumber, "wrong_number"},
        {push::PushOutcome::kExpired, "expired"},
        {push::PushOutcome::kBadSignature, "bad_signature"}};
    c->second.outcome = kNames.at(o);
    c->second.decision = body.value("decision", "");
    c->second.report = body.value("report", false);
    return http::Response::Json(json{{"outcome", *c->second.outcome}}.dump());
  }

  std::mutex mu_;
  std::condition_variable cv_;
  int serial_ = 0;
  int polls_ = 0;
  int answers_ = 0;
  int fail_polls_ = 0;
  bool list_answered_ = false;
  bool stopping_ = false;
  std::string api_override_;
  std::vector<std::string> tokens_;
  std::map<std::string, std::string> devices_;            // id -> public key
  std::set<std::pair<std::string, int64_t>> used_polls_;  // (device, ts) of the polls accepted
  std::map<std::string, std::string> names_;
  std::map<std::string, Challenge> challenges_;
  std::unique_ptr<http::Server> server_;
};

}  // namespace secinfo::cli::authenticator
