#include "cli/master_key.h"

#include <optional>

#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "crypto/key_file.h"
#include "crypto/secret_box.h"

namespace secinfo::cli {
namespace {

// Whether `key` opens `sealed` (base64url of a SecretBox value, as the flows store seeds).
bool Opens(const std::string& key, const std::string& sealed) {
  Result<std::string> raw = crypto::Base64UrlDecode(sealed);
  if (!raw.ok()) return false;
  return crypto::SecretBox(crypto::DeriveKey(key, kSeedKeyPurpose)).Open(*raw).ok();
}

}  // namespace

Result<std::string> LoadMasterKey(const std::string& key_file, store::MethodStore& methods,
                                  Random& random) {
  Result<std::optional<std::string>> sealed = methods.AnySealedSecret();
  if (!sealed.ok()) return sealed.status();
  Result<std::string> key = crypto::LoadKeyFile(key_file);
  if (!key.ok() && key.status().code() == Status::Code::kNotFound) {
    if (sealed->has_value()) {
      return Status::FailedPrecondition(
          "no key file at " + key_file +
          ", but the database holds secrets sealed with a master key (authenticator apps): "
          "copy the key file of the other nodes (or restore it from a backup) to that path; "
          "a new key would open none of them");
    }
    key = crypto::LoadOrCreateKeyFile(key_file, random);
  }
  if (!key.ok()) return key.status();
  if (sealed->has_value() && !Opens(*key, **sealed)) {
    return Status::FailedPrecondition(
        "the key file at " + key_file +
        " does not open the secrets the database holds: every node of one database needs the "
        "same key file (copy it from another node)");
  }
  return key;
}

}  // namespace secinfo::cli
