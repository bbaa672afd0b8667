#include "cli/authenticator/otpauth.h"

#include <charconv>

#include "crypto/base32.h"
#include "http/message.h"
#include "http/url.h"

namespace secinfo::cli::authenticator {
namespace {

bool ParseInt(const std::string& text, int lo, int hi, int& out) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) return false;
  out = v;
  return true;
}

}  // namespace

Result<TotpKey> ParseOtpauth(std::string_view uri) {
  constexpr std::string_view kPrefix = "otpauth://totp/";
  if (uri.size() < kPrefix.size() || http::ToLower(uri.substr(0, kPrefix.size())) != kPrefix) {
    return Status::InvalidArgument("not an otpauth://totp/ URI");
  }
  const size_t q = uri.find('?');
  if (q == std::string_view::npos) return Status::InvalidArgument("otpauth URI has no secret");
  auto params = http::ParseUrlEncoded(uri.substr(q + 1));

  TotpKey key;
  auto seed = crypto::Base32Decode(params["secret"]);
  if (!seed.ok() || seed->empty()) {
    return Status::InvalidArgument("otpauth URI has no valid secret");
  }
  key.seed = std::move(*seed);
  if (params.count("digits") &&
      !ParseInt(params["digits"], crypto::kOtpMinDigits, crypto::kOtpMaxDigits, key.digits)) {
    return Status::InvalidArgument("otpauth URI has bad digits");
  }
  if (params.count("period") && !ParseInt(params["period"], 1, 300, key.period)) {
    return Status::InvalidArgument("otpauth URI has a bad period");
  }
  if (params.count("algorithm")) {
    const std::string a = http::ToLower(params["algorithm"]);
    if (a == "sha1") {
      key.algorithm = crypto::OtpAlgorithm::kSha1;
    } else if (a == "sha256") {
      key.algorithm = crypto::OtpAlgorithm::kSha256;
    } else if (a == "sha512") {
      key.algorithm = crypto::OtpAlgorithm::kSha512;
    } else {
      return Status::InvalidArgument("otpauth URI has an unknown algorithm");
    }
  }
  return key;
}

CurrentCode CodeAt(const TotpKey& key, int64_t unix_seconds) {
  const int64_t into = unix_seconds < 0 ? 0 : unix_seconds % key.period;
  return {crypto::Totp(key.seed, unix_seconds, key.digits, key.period, key.algorithm),
          static_cast<int>(key.period - into)};
}

}  // namespace secinfo::cli::authenticator
