#include "methods/authenticator/app_data.h"

#include "methods/record.h"

namespace secinfo::methods::authenticator {

AppData DataOf(const store::Method& m) {
  nlohmann::json record = ReadRecord(m.data);
  return {TextField(record, "name"), TextField(record, "public_key"),
          TextField(record, "device_id")};
}

void Put(const AppData& d, store::Method& m) {
  m.kind = MethodKind::kAuthenticator;
  m.data =
      nlohmann::json{{"name", d.name}, {"public_key", d.public_key}, {"device_id", d.device_id}}
          .dump();
  m.keys.clear();
  if (!d.device_id.empty()) m.keys.push_back(DeviceKey(d.device_id));
}

std::string DeviceKey(std::string_view device_id) { return "device:" + std::string(device_id); }

}  // namespace secinfo::methods::authenticator
