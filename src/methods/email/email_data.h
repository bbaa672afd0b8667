#pragma once

#include <string>

#include "store/types.h"

// What an email method keeps of its own, stored as {"address":"ana@example.org"}.
namespace secinfo::methods::email {

struct EmailData {
  std::string address;  // as NormalizeEmail gave it
};

// The method's data. REQUIRES: m is an email method.
EmailData DataOf(const store::Method& m);

// Makes `m` an email method with `d`: sets its kind, data and keys. A person has one address
// ("email").
void Put(const EmailData& d, store::Method& m);

}  // namespace secinfo::methods::email
