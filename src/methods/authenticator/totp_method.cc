#include "methods/authenticator/totp_method.h"

#include "crypto/base32.h"
#include "crypto/hash.h"
#include "crypto/otp.h"

namespace secinfo::methods::authenticator {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// RFC 3986 percent-encoding of UTF-8 bytes. '@' is kept: it is legal in a path segment and in a
// query value, and Google's own examples show e-mail addresses with it literal.
std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (IsUnreserved(c) || c == '@') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
  return out;
}

}  // namespace

std::string NewSeed(Random& random) { return random.Bytes(kSeedBytes); }

std::string KeyUri(std::string_view issuer, std::string_view account, std::string_view seed) {
  std::string uri = "otpauth://totp/";
  if (!issuer.empty()) {
    uri += PercentEncode(issuer);
    uri += ':';
  }
  uri += PercentEncode(account);
  uri += "?secret=";
  uri += crypto::Base32Encode(seed);
  if (!issuer.empty()) {
    // Google's format: the parameter is what apps use; the label prefix is for older apps.
    uri += "&issuer=";
    uri += PercentEncode(issuer);
  }
  uri += "&algorithm=SHA1&digits=";
  uri += std::to_string(kCodeDigits);
  uri += "&period=";
  uri += std::to_string(kPeriodSeconds);
  return uri;
}

std::string ManualEntryKey(std::string_view seed) {
  const std::string base32 = crypto::Base32Encode(seed);
  std::string out;
  for (size_t i = 0; i < base32.size(); ++i) {
    if (i > 0 && i % 4 == 0) out.push_back(' ');
    out.push_back(base32[i]);
  }
  return out;
}

TotpCheck VerifyTotp(std::string_view seed, std::string_view code, int64_t now_seconds,
                     std::optional<uint64_t> last_used_step) {
  std::string digits;
  for (char c : code) {
    if (c == ' ') continue;
    if (c < '0' || c > '9' || digits.size() == kCodeDigits) return {TotpOutcome::kMalformed, 0};
    digits.push_back(c);
  }
  if (digits.size() != kCodeDigits) return {TotpOutcome::kMalformed, 0};
  if (seed.empty()) return {TotpOutcome::kRejected, 0};

  const uint64_t now_step = crypto::TotpStep(now_seconds, kPeriodSeconds);
  const uint64_t first = now_step >= kAllowedDriftSteps ? now_step - kAllowedDriftSteps : 0;
  const uint64_t last = now_step + kAllowedDriftSteps;

  std::optional<uint64_t> accepted;  // the oldest matching step not used yet
  std::optional<uint64_t> replayed;  // a matching step already used
  // Every step is computed and compared (no early exit), so timing does not tell which matched.
  for (uint64_t step = first; step <= last; ++step) {
    const std::string expected = crypto::Hotp(seed, step, kCodeDigits, crypto::OtpAlgorithm::kSha1);
    if (!crypto::ConstantTimeEquals(expected, digits)) continue;
    if (last_used_step.has_value() && step <= *last_used_step) {
      replayed = step;
    } else if (!accepted.has_value()) {
      accepted = step;
    }
  }
  if (accepted.has_value()) return {TotpOutcome::kAccepted, *accepted};
  if (replayed.has_value()) return {TotpOutcome::kReplayed, *replayed};
  return {TotpOutcome::kRejected, 0};
}

}  // namespace secinfo::methods::authenticator
