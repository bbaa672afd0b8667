#include "methods/phone/phone_data.h"

#include "methods/record.h"

namespace secinfo::methods::phone {

PhoneData DataOf(const store::Method& m) {
  nlohmann::json record = ReadRecord(m.data);
  return {TextField(record, "type"), TextField(record, "number")};
}

void Put(const PhoneData& d, store::Method& m) {
  m.kind = MethodKind::kPhone;
  m.data = nlohmann::json{{"type", d.type}, {"number", d.number}}.dump();
  m.keys = {"phone_type:" + d.type};
  if (!d.number.empty()) m.keys.push_back("number:" + d.number);
}

}  // namespace secinfo::methods::phone
