// phone::Parse, with every supported region. Input: a region code line, then the number as typed.
// A region code that is not supported picks one of the supported regions from its bytes, so the
// fuzzer reaches each of them, and is also tried as is (which must be refused unless the number
// gives its own country).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_support.h"
#include "phone/number.h"
#include "phone/regions.h"

using namespace secinfo;

namespace {

// '+' and digits: a calling code of up to 3 digits and a national number of up to 17
// (libphonenumber's limit). Not E.164's 15: libphonenumber holds valid longer numbers in a few
// countries ("DE\n030 124530 12456 12" is +49301245301245612), and it decides what is valid.
bool IsPlusDigits(std::string_view s) {
  if (s.size() < 3 || s.size() > 1 + 3 + 17 || s[0] != '+') return false;
  for (char c : s.substr(1)) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

void CheckOutcome(const phone::ParseOutcome& outcome, std::string_view region) {
  if (!outcome.ok()) {
    FUZZ_CHECK(phone::ParseErrorName(outcome.error())[0] != '\0');
    return;
  }
  const phone::ParsedNumber& n = outcome.number();
  FUZZ_CHECK(IsPlusDigits(n.e164));
  FUZZ_CHECK(n.calling_code > 0);
  FUZZ_CHECK(n.extension_removed == !n.removed_extension.empty());
  FUZZ_CHECK(phone::FormatInternational(n.e164) == n.international);
  // What is stored parses back to itself, whatever region the page had chosen.
  phone::ParseOutcome again = phone::Parse(n.e164, region);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again.number().e164 == n.e164);
  FUZZ_CHECK(!again.number().extension_removed);
  FUZZ_CHECK(again.number().type == n.type);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto& regions = phone::ListRegions("en");
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string_view region_line =
      newline == std::string_view::npos ? "" : input.substr(0, newline);
  const std::string_view text =
      newline == std::string_view::npos ? input : input.substr(newline + 1);

  std::string_view region = region_line;
  if (!phone::IsSupportedRegion(region)) {
    size_t pick = 0;
    for (unsigned char c : region_line) pick = pick * 31 + c;
    region = regions[pick % regions.size()].code;

    phone::ParseOutcome raw = phone::Parse(text, region_line);
    if (raw.ok()) {
      CheckOutcome(raw, region);
    } else {
      FUZZ_CHECK(phone::ParseErrorName(raw.error())[0] != '\0');
    }
  }
  CheckOutcome(phone::Parse(text, region), region);
  return 0;
}
