#include "cli/authenticator/protocol.h"

#include <nlohmann/json.hpp>

#include "http/url.h"
#include "methods/authenticator/push.h"

namespace secinfo::cli::authenticator {
namespace {

using nlohmann::json;
namespace push = methods::authenticator;

json ParseObject(std::string_view body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : json();
}

std::string StringOr(const json& j, const char* key, std::string fallback = "") {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool IntOf(const json& j, const char* key, int64_t& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return false;
  out = it->get<int64_t>();
  return true;
}

}  // namespace

bool IsToken(std::string_view s) {
  if (s.empty() || s.size() > 256) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string PollSigningPayload(std::string_view device_id, int64_t ts) {
  std::string out = "secinfo-poll-v1\n";
  out.append(device_id);
  out += "\n" + std::to_string(ts) + "\n";
  return out;
}

std::string PollUrl(std::string_view api, std::string_view device_id, int64_t ts,
                    std::string_view signature_b64) {
  return std::string(api) + "/requests?device=" + http::UrlEncode(device_id) +
         "&ts=" + std::to_string(ts) + "&sig=" + http::UrlEncode(signature_b64);
}

std::string AnswerUrl(std::string_view api, std::string_view id) {
  return std::string(api) + "/requests/" + http::UrlEncode(id);
}

std::string EnrolBody(std::string_view public_key_b64, std::string_view device_name) {
  return json{{"public_key", std::string(public_key_b64)},
              {"device_name", std::string(device_name)}}
      .dump();
}

Result<EnrolReply> ParseEnrolReply(std::string_view body) {
  json j = ParseObject(body);
  if (j.is_null()) return Status::InvalidArgument("the enrolment reply is not a JSON object");
  EnrolReply r{StringOr(j, "device_id"), StringOr(j, "account"), StringOr(j, "issuer"),
               StringOr(j, "api"), StringOr(j, "otpauth")};
  while (!r.api.empty() && r.api.back() == '/') r.api.pop_back();
  if (!IsToken(r.device_id)) return Status::InvalidArgument("the enrolment reply has no device_id");
  if (r.account.empty()) return Status::InvalidArgument("the enrolment reply has no account");
  if (r.api.empty()) return Status::InvalidArgument("the enrolment reply has no api");
  return r;
}

Result<std::vector<PushRequest>> ParseRequests(std::string_view body) {
  json j = ParseObject(body);
  auto list = j.is_null() ? j.end() : j.find("requests");
  if (j.is_null() || list == j.end() || !list->is_array()) {
    return Status::InvalidArgument("the poll reply has no requests array");
  }
  std::vector<PushRequest> out;
  for (const json& e : *list) {
    if (!e.is_object()) return Status::InvalidArgument("a request is not a JSON object");
    PushRequest r{StringOr(e, "id"), StringOr(e, "account"), StringOr(e, "app"), StringOr(e, "ip")};
    if (!IsToken(r.id)) return Status::InvalidArgument("a request has no valid id");
    if (!IntOf(e, "created_at", r.created_at)) {
      return Status::InvalidArgument("request " + r.id + " has no created_at");
    }
    IntOf(e, "expires_at", r.expires_at);
    out.push_back(std::move(r));
  }
  return out;
}

std::string AnswerSigningPayload(const PushRequest& request, const PushAnswer& answer) {
  const bool approve = answer.decision == Decision::kApprove;
  return push::PushSigningPayload(request.id, approve ? answer.number : 0,
                                  approve ? push::kPushApprove : push::kPushDeny,
                                  request.created_at);
}

std::string AnswerBody(std::string_view device_id, const PushAnswer& answer,
                       std::string_view signature_b64) {
  const bool approve = answer.decision == Decision::kApprove;
  return json{{"device", std::string(device_id)},
              {"decision", std::string(approve ? push::kPushApprove : push::kPushDeny)},
              {"number", approve ? answer.number : 0},
              {"report", !approve && answer.report},
              {"signature", std::string(signature_b64)}}
      .dump();
}

Result<AnswerOutcome> ParseOutcome(std::string_view body) {
  json j = ParseObject(body);
  const std::string o = j.is_null() ? "" : StringOr(j, "outcome");
  if (o == "approved") return AnswerOutcome::kApproved;
  if (o == "denied") return AnswerOutcome::kDenied;
  if (o == "wrong_number") return AnswerOutcome::kWrongNumber;
  if (o == "expired") return AnswerOutcome::kExpired;
  if (o == "bad_signature") return AnswerOutcome::kBadSignature;
  if (o == "not_pending") return AnswerOutcome::kNotPending;
  return Status::InvalidArgument("unknown outcome '" + o + "'");
}

std::string ErrorOf(std::string_view body) {
  json j = ParseObject(body);
  return j.is_null() ? "" : StringOr(j, "error");
}

}  // namespace secinfo::cli::authenticator
