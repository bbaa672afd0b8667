// The otpauth:// URI an authenticator app scans at registration
// (methods/authenticator/totp_method.h KeyUri), built from a fuzzed issuer (the tenant's name),
// account (the user's name) and seed, then read back as the companion app reads it
// (cli/authenticator/otpauth.h ParseOtpauth). Input: the issuer line, the account line, then the
// seed's raw bytes.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cli/authenticator/otpauth.h"
#include "fuzz_support.h"
#include "http/url.h"
#include "methods/authenticator/totp_method.h"

using namespace secinfo;

using fuzz::NextLine;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view issuer = NextLine(rest);
  const std::string_view account = NextLine(rest);
  const std::string_view seed = rest;

  const std::string uri = methods::authenticator::KeyUri(issuer, account, seed);
  // A QR code and a URI bar carry it as is: visible ASCII only.
  for (char c : uri) FUZZ_CHECK(c > 0x20 && c < 0x7f);

  auto key = cli::authenticator::ParseOtpauth(uri);
  if (seed.empty()) {
    FUZZ_CHECK(!key.ok());  // no secret, no key
    return 0;
  }
  FUZZ_CHECK(key.ok());
  FUZZ_CHECK(key->seed == seed);
  FUZZ_CHECK(key->digits == methods::authenticator::kCodeDigits);
  FUZZ_CHECK(key->period == methods::authenticator::kPeriodSeconds);
  FUZZ_CHECK(key->algorithm == crypto::OtpAlgorithm::kSha1);

  // The label "issuer:account" splits at its only literal ':' and decodes back to both.
  constexpr std::string_view kPrefix = "otpauth://totp/";
  FUZZ_CHECK(uri.compare(0, kPrefix.size(), kPrefix) == 0);
  const std::string_view label =
      std::string_view(uri).substr(kPrefix.size(), uri.find('?') - kPrefix.size());
  const size_t colon = label.find(':');
  if (issuer.empty()) {
    FUZZ_CHECK(colon == std::string_view::npos);
    FUZZ_CHECK(http::UrlDecode(label, false) == account);
  } else {
    FUZZ_CHECK(colon != std::string_view::npos && label.find(':', colon + 1) == label.npos);
    FUZZ_CHECK(http::UrlDecode(label.substr(0, colon), false) == issuer);
    FUZZ_CHECK(http::UrlDecode(label.substr(colon + 1), false) == account);
  }
  const auto params = http::ParseUrlEncoded(std::string_view(uri).substr(uri.find('?') + 1));
  const auto it = params.find("issuer");
  if (issuer.empty()) {
    FUZZ_CHECK(it == params.end());
  } else {
    FUZZ_CHECK(it != params.end() && it->second == issuer);
  }
  return 0;
}
