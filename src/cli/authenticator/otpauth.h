#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "crypto/otp.h"

namespace secinfo::cli::authenticator {

// The TOTP parameters carried by an otpauth:// key URI (Google Authenticator's Key Uri Format), as
// the server gives them at enrolment (methods/authenticator/totp_method.h KeyUri).
struct TotpKey {
  std::string seed;  // raw bytes, Base32-decoded from `secret`
  int digits = 6;    // `digits`, 6 to 8
  int period = 30;   // `period`, seconds, 1 to 300
  crypto::OtpAlgorithm algorithm = crypto::OtpAlgorithm::kSha1;  // `algorithm`
};

// Parses "otpauth://totp/<label>?secret=...&digits=..&period=..&algorithm=..". Absent parameters
// take the defaults above. Returns InvalidArgument for another scheme or type (hotp is not
// supported), a missing or non-Base32 secret, or parameters outside the ranges above.
Result<TotpKey> ParseOtpauth(std::string_view uri);

// The code of `key` at `unix_seconds` and the seconds it stays valid.
struct CurrentCode {
  std::string code;
  int seconds_left = 0;
};
CurrentCode CodeAt(const TotpKey& key, int64_t unix_seconds);

}  // namespace secinfo::cli::authenticator
