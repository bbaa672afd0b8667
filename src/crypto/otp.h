#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace secinfo::crypto {

// The one HOTP/TOTP engine of secinfo: authenticator apps, OATH hardware tokens and anything else
// that needs one-time passwords compose these functions. Pure functions of their arguments
// (time is passed in, never read), thread-safe.

enum class OtpAlgorithm {
  kSha1,    // RFC 4226; what every authenticator app supports and the otpauth default
  kSha256,  // RFC 6238 section 1.2
  kSha512,  // RFC 6238 section 1.2
};

inline constexpr int kOtpMinDigits = 6;  // RFC 4226 section 5.3 (R4): at least 6 digits
inline constexpr int kOtpMaxDigits = 8;

// The HOTP value (RFC 4226 section 5.3: HMAC over the big-endian 8-byte `counter`, dynamic
// truncation, modulo 10^digits) as exactly `digits` decimal digits, zero-padded on the left.
// REQUIRES: kOtpMinDigits <= digits <= kOtpMaxDigits (the process aborts otherwise: a code length
// is configuration checked at start-up, never user input).
std::string Hotp(std::string_view key, uint64_t counter, int digits, OtpAlgorithm algorithm);

// The TOTP time step T = floor((unix_seconds - T0) / period) with T0 = 0 (RFC 6238 section 4.2).
// Times before the epoch map to step 0 (no sane clock reports them).
// REQUIRES: period > 0 (the process aborts otherwise).
uint64_t TotpStep(int64_t unix_seconds, int period);

// The TOTP value (RFC 6238 section 4.2) at `unix_seconds`: Hotp(key, TotpStep(...), ...).
// REQUIRES: as for Hotp and TotpStep.
std::string Totp(std::string_view key, int64_t unix_seconds, int digits = 6, int period = 30,
                 OtpAlgorithm algorithm = OtpAlgorithm::kSha1);

}  // namespace secinfo::crypto
