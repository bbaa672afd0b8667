#pragma once

#include <string>
#include <string_view>

#include "store/types.h"

// What an authenticator app keeps of its own, stored as
// {"name":"Pixel 8","public_key":"...","device_id":"..."}. Its sealed TOTP seed is the method's
// secret and the last step accepted its counter, as for any kind.
namespace secinfo::methods::authenticator {

struct AppData {
  std::string name;        // the person's name for it, "Pixel 8"
  std::string public_key;  // the bound device's key for push approval, base64url; "" when none
  std::string device_id;   // the companion device bound for push approval, "" when none
};

// The app's data. REQUIRES: m is an authenticator app.
AppData DataOf(const store::Method& m);

// Makes `m` an authenticator app with `d`: sets its kind, data and keys. A person may have
// several apps; a bound device is a key ("device:<id>"), unique across people since device ids
// are random, by which push requests find their app (DeviceKey).
void Put(const AppData& d, store::Method& m);

// The key under which the app bound to `device_id` is found (MethodStore::FindByKey).
std::string DeviceKey(std::string_view device_id);

}  // namespace secinfo::methods::authenticator
