#pragma once

#include <string>

#include "core/random.h"
#include "core/result.h"
#include "store/store.h"

namespace secinfo::cli {

// What the master key seals authenticator seeds under (crypto::DeriveKey's purpose).
inline constexpr char kSeedKeyPurpose[] = "totp-seed";

// The master key `serve` runs with: the key file's, checked against the database.
// A missing key file is created only while the database holds no sealed secret; otherwise, and
// when the key file does not open the secrets the database holds (a node given another node's
// database but not its key), FailedPrecondition with what the operator must do. A new key would
// silently make every registered authenticator app unusable.
Result<std::string> LoadMasterKey(const std::string& key_file, store::MethodStore& methods,
                                  Random& random);

}  // namespace secinfo::cli
