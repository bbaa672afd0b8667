#include "methods/record.h"

namespace secinfo::methods {

nlohmann::json ReadRecord(std::string_view data) {
  nlohmann::json record = nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) return nlohmann::json::object();
  return record;
}

std::string TextField(const nlohmann::json& record, const char* name) {
  auto it = record.find(name);
  if (it == record.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

}  // namespace secinfo::methods
