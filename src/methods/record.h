#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

// A kind's stored record (store::Method::data) is a JSON object of the kind's own fields. These
// read it for the kinds' codecs (src/methods/<kind>/*_data.cc), which alone know its fields.
namespace secinfo::methods {

// The record's fields; an empty object when `data` is empty or not a JSON object (this build
// never writes such a record: its fields then read as empty).
nlohmann::json ReadRecord(std::string_view data);

// The text field `name` of `record`; "" when it is absent or not text.
std::string TextField(const nlohmann::json& record, const char* name);

}  // namespace secinfo::methods
