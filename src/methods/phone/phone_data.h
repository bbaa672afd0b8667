#pragma once

#include <string>

#include "store/types.h"

// What a phone method keeps of its own, stored as {"type":"mobile","number":"+33612345678"}.
namespace secinfo::methods::phone {

struct PhoneData {
  std::string type;    // "mobile", "alternate_mobile", "office" (PhoneTypeName)
  std::string number;  // E.164, "+33612345678"
};

// The phone's data. REQUIRES: m is a phone.
PhoneData DataOf(const store::Method& m);

// Makes `m` a phone with `d`: sets its kind, data and keys. A person has one phone of each type
// and registers a number once ("phone_type:<type>", "number:<e164>").
void Put(const PhoneData& d, store::Method& m);

}  // namespace secinfo::methods::phone
