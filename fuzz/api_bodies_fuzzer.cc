// The JSON bodies a device sends to the authenticator API (api/device_bodies.h): anyone on the
// network can send them, before any signature is checked.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/device_bodies.h"
#include "fuzz_support.h"

using namespace secinfo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto enrol = api::ParseEnrolBody(body);
  const auto answer = api::ParseAnswerBody(body);
  // Both read the same rule: a JSON object or nothing.
  FUZZ_CHECK(enrol.has_value() == answer.has_value());
  if (answer) FUZZ_CHECK(answer->report == true || answer->report == false);
  return 0;
}
