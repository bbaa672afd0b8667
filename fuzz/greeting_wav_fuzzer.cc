// The checks a tenant's greeting upload goes through before sox sees it
// (channels/voice/greeting.h CheckGreetingUpload). sox itself is not run here.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "channels/voice/greeting.h"
#include "fuzz_support.h"

using namespace secinfo::channels;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view upload(reinterpret_cast<const char*>(data), size);
  std::string detail;
  const GreetingError e = CheckGreetingUpload(upload, &detail);
  switch (e) {
    case GreetingError::kNone:
      // Only a RIFF/WAVE file with a data chunk goes to the converter.
      FUZZ_CHECK(size >= 20 && upload.substr(0, 4) == "RIFF" && upload.substr(8, 4) == "WAVE");
      FUZZ_CHECK(upload.find("data", 12) != std::string_view::npos);
      FUZZ_CHECK(detail.empty());
      break;
    case GreetingError::kNotWav:
    case GreetingError::kTooLarge:
      FUZZ_CHECK(detail.empty());
      break;
    case GreetingError::kUnreadable:
      FUZZ_CHECK(!detail.empty());
      break;
    default:
      FUZZ_CHECK(!"the checks never convert: kEmpty, kTooLong and kConverter come from sox");
  }
  FUZZ_CHECK(!GreetingErrorKey(e).empty() || e == GreetingError::kNone);
  return 0;
}
