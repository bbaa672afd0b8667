#include "api/authenticator_api.h"

#include <nlohmann/json.hpp>
#include <thread>

#include "api/device_bodies.h"

namespace secinfo::api {
namespace {

http::Response Error(int status, std::string_view what) {
  return http::Response::Json(nlohmann::json{{"error", what}}.dump(), status);
}

const char* AnswerName(flows::PushAnswer a) {
  switch (a) {
    case flows::PushAnswer::kApproved:
      return "approved";
    case flows::PushAnswer::kDenied:
      return "denied";
    case flows::PushAnswer::kWrongNumber:
      return "wrong_number";
    case flows::PushAnswer::kExpired:
      return "expired";
    case flows::PushAnswer::kBadSignature:
      return "bad_signature";
    case flows::PushAnswer::kNotPending:
      return "expired";
  }
  return "expired";
}

}  // namespace

void AddAuthenticatorApi(http::Router& router, flows::PushApproval& push,
                         AuthenticatorApiOptions options) {
  router.Post("/api/authenticator/enrol/:token", [&push, options](http::Request& req) {
    auto body = ParseEnrolBody(req.body);
    if (!body) return Error(400, "the body must be a JSON object");
    auto bound = push.BindDevice(req.Param("token"), body->public_key, req.remote_ip);
    if (!bound.ok()) {
      if (bound.status().code() == Status::Code::kInvalidArgument) return Error(400, "bad_key");
      if (bound.status().code() == Status::Code::kNotFound) return Error(410, "expired");
      return Error(503, "unavailable");
    }
    return http::Response::Json(nlohmann::json{
        {"device_id", bound->device_id},
        {"account", bound->account},
        {"issuer", bound->issuer},
        {"api", options.api_base},
        {"otpauth", bound->otpauth}}.dump());
  });

  router.Get("/api/authenticator/requests", [&push, options](http::Request& req) {
    int64_t ts = 0;
    try {
      ts = std::stoll(req.Query("ts"));
    } catch (...) {
      return Error(401, "bad_request_signature");
    }
    const auto deadline = std::chrono::steady_clock::now() + options.poll_hold;
    for (;;) {
      auto pending = push.Pending(req.Query("device"), ts, req.Query("sig"));
      if (!pending.ok()) {
        return pending.status().code() == Status::Code::kPermissionDenied
                   ? Error(401, "bad_request_signature")
                   : Error(503, "unavailable");
      }
      if (!pending->empty() || std::chrono::steady_clock::now() >= deadline) {
        nlohmann::json list = nlohmann::json::array();
        for (const auto& c : *pending) {
          list.push_back({{"id", c.id},
                          {"app", "secinfo"},
                          {"ip", c.client_ip},
                          {"created_at", c.created_at},
                          {"expires_at", c.expires_at}});
        }
        return http::Response::Json(nlohmann::json{{"requests", list}}.dump());
      }
      // Long-poll: wait here rather than have every device ask every second.
      std::this_thread::sleep_for(options.poll_step);
    }
  });

  router.Post("/api/authenticator/requests/:id", [&push](http::Request& req) {
    auto body = ParseAnswerBody(req.body);
    if (!body) return Error(400, "the body must be a JSON object");
    flows::PushAnswer a = push.Answer(req.Param("id"), body->device, body->decision, body->number,
                                      body->report, body->signature);
    return http::Response::Json(nlohmann::json{{"outcome", AnswerName(a)}}.dump());
  });
}

}  // namespace secinfo::api
