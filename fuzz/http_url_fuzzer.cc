// URL and form decoding (http/url.h): what every query string, form body and request path goes
// through before a handler sees it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_support.h"
#include "http/url.h"

using namespace secinfo;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  const std::string path = http::UrlDecode(input, /*plus_as_space=*/false);
  const std::string form = http::UrlDecode(input, /*plus_as_space=*/true);
  FUZZ_CHECK(path.size() <= input.size() && form.size() == path.size());

  // Encoding is the inverse of decoding, and its output is plain unreserved ASCII or %XX.
  const std::string encoded = http::UrlEncode(input);
  FUZZ_CHECK(http::UrlDecode(encoded, false) == input);
  FUZZ_CHECK(http::UrlDecode(encoded, true) == input);
  for (char c : encoded) FUZZ_CHECK(c > 0x20 && c < 0x7f && c != '+' && c != '&' && c != '=');

  for (const auto& [name, value] : http::ParseUrlEncoded(input)) {
    FUZZ_CHECK(!name.empty());
  }

  const http::TargetParts parts = http::SplitTarget(input);
  FUZZ_CHECK(!parts.path.empty());
  FUZZ_CHECK(parts.path.find('?') == std::string_view::npos);
  FUZZ_CHECK(parts.path.find('#') == std::string_view::npos);
  FUZZ_CHECK(parts.query.find('#') == std::string_view::npos);
  if (parts.path != "/") {
    // Views into the input, never past its end.
    FUZZ_CHECK(parts.path.data() >= input.data() &&
               parts.path.data() + parts.path.size() <= input.data() + input.size());
  }
  http::ParseUrlEncoded(parts.query);
  return 0;
}
