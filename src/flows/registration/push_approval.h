#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/secret_box.h"
#include "flows/proof.h"
#include "store/store.h"

namespace secinfo::flows {

struct PushOptions {
  int64_t enrol_link_validity_millis = 10 * 60 * 1000;
  int64_t poll_clock_skew_millis = 120'000;  // how far a device's signed time may be off
};

// What a device learns when it binds itself with a registration link.
struct DeviceBinding {
  std::string device_id;
  std::string account;  // "ana@contoso.example"
  std::string issuer;   // "Contoso"
  std::string otpauth;  // the app's TOTP key URI, so the device can also show codes
};

enum class PushAnswer { kApproved, kDenied, kWrongNumber, kExpired, kBadSignature, kNotPending };

// Sign-in approval with number matching for authenticator apps. A companion device binds itself to
// an app through a single-use link and an ECDSA P-256 key it made; each request shows a 2-digit
// number on the page that the person must type on the device, and the device signs its answer
// bound to that request. Delivery is by long-poll from the device, as a channel that FCM or APNs
// could later replace. All state is in the store. Thread-safe.
class PushApproval {
 public:
  PushApproval(store::Store& store, const Clock& clock, Random& random, crypto::SecretBox seeds,
               PushOptions options);

  // A registration link token for the person's app `method_id`. NotFound unless it is theirs.
  Result<std::string> CreateEnrolLink(const store::User& user, int64_t method_id);
  // Binds a device: InvalidArgument for a bad public key, NotFound for an unknown, used or expired
  // token.
  Result<DeviceBinding> BindDevice(std::string_view token, std::string_view public_key_b64,
                                   std::string_view client_ip);

  // Accepts a device's poll once: checks its signature over "secinfo-poll-v1\n<device>\n<ts>\n",
  // that `ts` (Unix seconds) is near now, and that this signed poll was never used before (on any
  // node), so a captured poll URL cannot be replayed. Returns the device's method id;
  // PermissionDenied for a bad, stale or used signature; Unavailable when the store is.
  Result<int64_t> AcceptPoll(std::string_view device_id, int64_t ts,
                             std::string_view signature_b64);
  // The pending requests of an app (a method id from AcceptPoll), oldest first.
  Result<std::vector<store::PushChallenge>> ListPending(int64_t method_id);
  // AcceptPoll, then ListPending.
  Result<std::vector<store::PushChallenge>> Pending(std::string_view device_id, int64_t ts,
                                                    std::string_view signature_b64);
  // Told of the app (method id) each time a request is made for it on this node, so that a
  // waiting poll can be answered at once. Called on the thread that made the request; must not
  // block. REQUIRES: set before the first request, or never.
  void SetRequestListener(std::function<void(int64_t method_id)> listener) {
    listener_ = std::move(listener);
  }
  PushAnswer Answer(std::string_view challenge_id, std::string_view device_id,
                    std::string_view decision, int64_t number, bool report,
                    std::string_view signature_b64);

  // Sends a test request to the person's app. NotFound unless it is theirs; FailedPrecondition when
  // no device is bound.
  Result<store::PushChallenge> SendTest(const store::User& user, int64_t method_id,
                                        std::string_view client_ip);
  // Sends a sign-in (or step-up, reset) request to the person's app: approving it with the right
  // number proves the person holds the device. The outcome reaches the ProofObserver.
  Result<store::PushChallenge> SendProof(const store::User& user, int64_t method_id,
                                         ProofPurpose purpose, std::string_view client_ip);
  // Told of every answered request but tests. REQUIRES: set before the first request, or never.
  void SetObserver(ProofObserver* observer) { observer_ = observer; }

  // The request as it stands (expired once its minute is over). NotFound unless `user_id`'s.
  Result<store::PushChallenge> Get(std::string_view challenge_id, int64_t user_id);

  static std::string PollPayload(std::string_view device_id, int64_t ts);

 private:
  void Audit(int64_t tenant_id, int64_t user_id, std::string_view ip, std::string action,
             std::string result, std::string detail);
  Result<store::PushChallenge> Send(const store::User& user, int64_t method_id,
                                    std::string_view purpose, std::string_view client_ip);
  void Ended(const store::PushChallenge& c, PushAnswer answer, const std::string& detail);

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  const crypto::SecretBox seeds_;
  const PushOptions options_;
  ProofObserver* observer_ = nullptr;
  std::function<void(int64_t)> listener_;
};

}  // namespace secinfo::flows
