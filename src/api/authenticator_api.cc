#include "api/authenticator_api.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

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

http::Response RequestList(const std::vector<store::PushChallenge>& pending) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : pending) {
    list.push_back({{"id", c.id},
                    {"app", "secinfo"},
                    {"ip", c.client_ip},
                    {"created_at", c.created_at},
                    {"expires_at", c.expires_at}});
  }
  return http::Response::Json(nlohmann::json{{"requests", list}}.dump());
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

  auto waiters = std::make_shared<PollWaiters>(options.poll);
  push.SetRequestListener([weak = std::weak_ptr<PollWaiters>(waiters)](int64_t method_id) {
    if (auto w = weak.lock()) w->Wake(method_id);
  });
  router.Get("/api/authenticator/requests", [&push, waiters](http::Request& req) {
    int64_t ts = 0;
    try {
      ts = std::stoll(req.Query("ts"));
    } catch (...) {
      return Error(401, "bad_request_signature");
    }
    auto app = push.AcceptPoll(req.Query("device"), ts, req.Query("sig"));
    if (!app.ok()) {
      return app.status().code() == Status::Code::kPermissionDenied
                 ? Error(401, "bad_request_signature")
                 : Error(503, "unavailable");
    }
    auto pending = push.ListPending(*app);
    if (!pending.ok()) return Error(503, "unavailable");
    if (!pending->empty()) return RequestList(*pending);

    // Long-poll: parked until a request comes, holding no worker thread meanwhile.
    std::shared_ptr<http::DeferredResponse> out = req.Defer();
    auto parked =
        waiters->Park(*app, out, [&push, app = *app](bool last) -> std::optional<http::Response> {
          auto now = push.ListPending(app);
          if (!now.ok()) return last ? std::optional(Error(503, "unavailable")) : std::nullopt;
          if (now->empty() && !last) return std::nullopt;
          return RequestList(*now);
        });
    if (parked != PollWaiters::Parked::kYes) {
      http::Response refused = parked == PollWaiters::Parked::kTooManyForApp
                                   ? Error(429, "too_many_polls")
                                   : Error(503, "busy");
      refused.SetHeader("Retry-After", "1");
      out->Complete(std::move(refused));
    }
    return http::Response{};  // not sent: the response is deferred
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
