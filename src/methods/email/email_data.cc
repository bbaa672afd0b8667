#include "methods/email/email_data.h"

#include "methods/record.h"

namespace secinfo::methods::email {

EmailData DataOf(const store::Method& m) { return {TextField(ReadRecord(m.data), "address")}; }

void Put(const EmailData& d, store::Method& m) {
  m.kind = MethodKind::kEmail;
  m.data = nlohmann::json{{"address", d.address}}.dump();
  m.keys = {"email"};
}

}  // namespace secinfo::methods::email
