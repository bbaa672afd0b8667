#include "methods/authenticator/push.h"

#include "crypto/ecdsa.h"

namespace secinfo::methods::authenticator {
namespace {

bool IsTokenId(std::string_view id) {
  if (id.empty() || id.size() > 256) return false;
  for (char c : id) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

int NewMatchNumber(Random& random) {
  return kMatchNumberMin + static_cast<int>(random.Uniform(kMatchNumberMax - kMatchNumberMin + 1));
}

std::string PushSigningPayload(std::string_view challenge_id, int number, std::string_view decision,
                               int64_t issued_at) {
  std::string payload = "secinfo-push-v1\nchallenge=";
  payload += challenge_id;
  payload += "\nnumber=";
  payload += std::to_string(number);
  payload += "\ndecision=";
  payload += decision;
  payload += "\nissued_at=";
  payload += std::to_string(issued_at);
  payload += "\n";
  return payload;
}

PushOutcome CheckPushResponse(const PushChallengeView& c, int typed_number,
                              std::string_view decision, std::string_view signature_b64,
                              std::string_view public_key_b64, int64_t now_millis) {
  if (now_millis - c.created_at_millis >= c.expires_in_millis) return PushOutcome::kExpired;
  if ((decision != kPushApprove && decision != kPushDeny) || !IsTokenId(c.id)) {
    return PushOutcome::kBadSignature;
  }
  const std::string payload = PushSigningPayload(c.id, typed_number, decision, c.created_at_millis);
  if (!crypto::EcdsaP256Verify(public_key_b64, payload, signature_b64)) {
    return PushOutcome::kBadSignature;
  }
  if (decision == kPushDeny) return PushOutcome::kDenied;
  return typed_number == c.number ? PushOutcome::kApproved : PushOutcome::kWrongNumber;
}

}  // namespace secinfo::methods::authenticator
