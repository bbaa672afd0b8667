#include "api/device_bodies.h"

#include <nlohmann/json.hpp>

namespace secinfo::api {
namespace {

std::optional<nlohmann::json> Object(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  return j;
}

std::string Str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

std::optional<EnrolBody> ParseEnrolBody(std::string_view body) {
  auto j = Object(body);
  if (!j) return std::nullopt;
  return EnrolBody{Str(*j, "public_key")};
}

std::optional<AnswerBody> ParseAnswerBody(std::string_view body) {
  auto j = Object(body);
  if (!j) return std::nullopt;
  AnswerBody out;
  out.device = Str(*j, "device");
  out.decision = Str(*j, "decision");
  out.signature = Str(*j, "signature");
  if (auto it = j->find("number"); it != j->end() && it->is_number_integer()) {
    out.number = it->get<int64_t>();
  }
  if (auto it = j->find("report"); it != j->end() && it->is_boolean()) {
    out.report = it->get<bool>();
  }
  return out;
}

}  // namespace secinfo::api
