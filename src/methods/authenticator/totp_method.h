#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/random.h"

namespace secinfo::methods::authenticator {

// The rules of the authenticator-app method's one-time codes: the seed given to the app at
// registration, the otpauth:// URI its QR code carries, and how a typed code is checked. Composed
// from crypto/otp.h; storage (the seed is sealed with SecretBox at rest, the last accepted step
// is kept per credential) and rate limiting are the caller's business. Pure functions of their
// arguments, thread-safe.

// What every authenticator app understands; the KeyUri spells them out for the few apps that do
// not assume them.
inline constexpr size_t kSeedBytes = 20;  // 160 bits: RFC 4226 section 4 (R6) recommends it
inline constexpr int kCodeDigits = 6;
inline constexpr int kPeriodSeconds = 30;  // RFC 6238 section 5.2
// Steps accepted either side of the server's, for clock drift and typing time (RFC 6238
// section 5.2 recommends at most one).
inline constexpr int kAllowedDriftSteps = 1;

// A fresh seed of kSeedBytes raw bytes from `random` (the CSPRNG in production). NIST SP 800-63B
// section 5.1.4.1 wants at least 112 bits of entropy for the shared secret.
std::string NewSeed(Random& random);

// The Key Uri of Google Authenticator's format, e.g.
//   otpauth://totp/Contoso:ana@contoso.example?secret=GEZD...&issuer=Contoso&algorithm=SHA1
//   &digits=6&period=30
// `issuer` and `account` are UTF-8; each is percent-encoded (RFC 3986: every byte but the
// unreserved A-Z a-z 0-9 - . _ ~ and '@', space as %20, ':' as %3A) so the literal ':' of the label
// separates them unambiguously. The secret is unpadded upper-case Base32 of the raw `seed`. An
// empty `issuer` leaves out both the label prefix and the issuer parameter.
std::string KeyUri(std::string_view issuer, std::string_view account, std::string_view seed);

// The seed as people type it when they cannot scan the QR code: upper-case Base32 in groups of 4
// separated by spaces ("GEZD GNBV GY3T ..."), which Base32Decode and every app accept.
std::string ManualEntryKey(std::string_view seed);

enum class TotpOutcome {
  kAccepted,   // the code is the one of an allowed step not used before: store `step`
  kRejected,   // well-formed but matches no allowed step
  kReplayed,   // matches an allowed step already used (or older than the last used one)
  kMalformed,  // not 6 digits once spaces are removed; no code was compared
};

struct TotpCheck {
  TotpOutcome outcome;
  // The matched step for kAccepted (store it as the credential's last used step) and kReplayed;
  // 0 otherwise.
  uint64_t step;
};

// Checks `code` as typed (spaces are removed: "123 456" is "123456") against the TOTP values of
// `seed` for the steps now-1, now and now+1 (kAllowedDriftSteps), SHA-1, 6 digits, 30 s.
// A step is accepted at most once per credential: a matching step <= `last_used_step` is
// kReplayed (NIST SP 800-63B section 5.1.4.2: a time-based OTP SHALL be accepted only once while
// valid; section 5.2.8: replay resistance). When a code matches several allowed steps (one chance
// in 10^6 per pair), the oldest one not yet used is taken, which refuses the fewest later codes.
// Every allowed step is compared in constant time, whichever matches.
// An empty `seed` matches nothing (kRejected). The caller limits failed attempts (SP 800-63B
// section 5.2.2): 6 digits resist guessing only when attempts are few.
TotpCheck VerifyTotp(std::string_view seed, std::string_view code, int64_t now_seconds,
                     std::optional<uint64_t> last_used_step);

}  // namespace secinfo::methods::authenticator
