#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.h"

namespace secinfo::methods::authenticator {

// The rules of push approval with number matching, as in Microsoft Authenticator: the sign-in page
// shows a two-digit number, the device asks the person to type it, and the device signs its answer
// with the P-256 key it registered (crypto/ecdsa.h). Typing the number proves the person is looking
// at the page that asked, which defeats "MFA fatigue" (approving a push one did not start).
// Storage of challenges and delivery to devices are the caller's business. Pure functions of
// their arguments (time is passed in), thread-safe.

inline constexpr int kMatchNumberMin = 10;
inline constexpr int kMatchNumberMax = 99;
inline constexpr int64_t kPushLifetimeMillis = 60'000;

inline constexpr std::string_view kPushApprove = "approve";
inline constexpr std::string_view kPushDeny = "deny";

// A number uniform in [kMatchNumberMin, kMatchNumberMax] from `random`.
int NewMatchNumber(Random& random);

// The exact bytes a device signs to answer a push challenge, five lines each ending in "\n":
//
//   secinfo-push-v1
//   challenge=<challenge_id>
//   number=<number typed on the device, decimal, no leading zeros>
//   decision=<approve|deny>
//   issued_at=<the challenge's created_at_millis, decimal>
//
// The first line separates this from anything else the key might ever sign and names the version.
// Fields come in this order with no spaces; the server rebuilds the payload from its own stored
// challenge and the device's reported number and decision, so only signed values are trusted.
// REQUIRES: `challenge_id` is a non-empty token of [A-Za-z0-9_-] (Random::Token makes such ids),
// so no field can contain a line break. `decision` is kPushApprove or kPushDeny.
std::string PushSigningPayload(std::string_view challenge_id, int number, std::string_view decision,
                               int64_t issued_at);

// What the server knows of a pending push challenge.
struct PushChallengeView {
  std::string_view id;  // the challenge id sent to the device
  int number = 0;       // the number shown on the sign-in page
  int64_t created_at_millis = 0;
  int64_t expires_in_millis = kPushLifetimeMillis;  // answers at or after created + this expire
};

enum class PushOutcome {
  kApproved,      // signed "approve" with the right number, in time
  kDenied,        // signed "deny" in time (the number does not matter)
  kWrongNumber,   // signed "approve" with another number: treat as a failed attempt
  kExpired,       // arrived at or after the challenge's expiry
  kBadSignature,  // not signed by the registered key, or malformed (unknown decision, bad id)
};

// Judges a device's answer. The signature is checked before the number, so someone without the
// device's key learns nothing about the number (every unsigned guess is kBadSignature); expiry is
// checked first, as it reveals nothing. `public_key_b64` is the key the device registered
// (base64url uncompressed P-256 point); `signature_b64` is base64url DER ECDSA-SHA256 over
// PushSigningPayload(c.id, typed_number, decision, c.created_at_millis).
// The caller makes sure a challenge is judged once (NIST SP 800-63B section 5.2.8, replay
// resistance: the stored challenge is consumed on the first signed answer).
PushOutcome CheckPushResponse(const PushChallengeView& c, int typed_number,
                              std::string_view decision, std::string_view signature_b64,
                              std::string_view public_key_b64, int64_t now_millis);

}  // namespace secinfo::methods::authenticator
