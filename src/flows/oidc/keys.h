#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "core/result.h"
#include "crypto/jws.h"
#include "crypto/secret_box.h"
#include "store/store.h"

namespace secinfo::flows::oidc {

// The keys that sign ID tokens: one RS256 and one ES256 key in use, made with OpenSSL at first
// start, their private halves sealed with the master key in the store so every node signs with the
// same key. A rotation makes new keys; the old ones stay published (JWKS) for `retired_millis`, as
// long as the tokens they signed live. Thread-safe (all state is in the store).
class SigningKeys {
 public:
  // `retired_millis`: how long a replaced key stays in the JWKS (at least the ID tokens' life).
  SigningKeys(store::Store& store, const Clock& clock, Random& random, crypto::SecretBox box,
              int64_t retired_millis)
      : store_(store),
        clock_(clock),
        random_(random),
        box_(std::move(box)),
        retired_millis_(retired_millis) {}

  // Makes a key for each algorithm that has none in use. Call at start.
  Status Ensure();
  // Replaces the key in use of each algorithm by a new one. Returns the new kids.
  Result<std::vector<std::string>> Rotate();

  struct Signer {
    std::string kid;
    std::string private_key_pem;
  };
  // The key in use for `alg`; NotFound when none (Ensure was not called).
  Result<Signer> Current(crypto::JwsAlgorithm alg);
  // The JWKS document ({"keys": [...]}) as JSON text: keys in use, then retired keys still live.
  Result<std::string> Jwks();
  // The published key `kid` (in use or retired and live), with its algorithm; NotFound otherwise.
  Result<std::pair<crypto::JwsAlgorithm, crypto::PublicJwk>> Find(std::string_view kid);

 private:
  Result<std::string> Add(crypto::JwsAlgorithm alg);

  store::Store& store_;
  const Clock& clock_;
  Random& random_;
  const crypto::SecretBox box_;
  const int64_t retired_millis_;
};

}  // namespace secinfo::flows::oidc
