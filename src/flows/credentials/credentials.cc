#include "flows/credentials/credentials.h"

#include <spdlog/spdlog.h>

#include "crypto/password.h"
#include "policy/password_rules.h"

namespace secinfo::flows {

bool LocalCredentials::Verify(const store::User* user, std::string_view password) {
  Result<std::string> normalized = policy::NormalizePassword(password);
  if (user == nullptr) {
    crypto::VerifyAgainstDummy(normalized.ok() ? std::string_view(*normalized) : password);
    return false;
  }
  if (normalized.ok() && crypto::VerifyPassword(user->password_hash, *normalized)) {
    if (crypto::PasswordNeedsRehash(user->password_hash)) Rehash(*user, *normalized);
    return true;
  }
  // A hash from before normalization, of the bytes as typed.
  if (normalized.ok() && *normalized == password) return false;
  if (!crypto::VerifyPassword(user->password_hash, password)) return false;
  if (normalized.ok()) Rehash(*user, *normalized);
  return true;
}

void LocalCredentials::Rehash(const store::User& user, std::string_view normalized) {
  Result<std::string> hash = crypto::HashPassword(normalized);
  Status s = hash.ok() ? users_.SetPasswordHash(user.id, *hash) : hash.status();
  // The person is signed in either way; the next sign-in tries again.
  if (!s.ok()) spdlog::warn("rehash of user {} failed: {}", user.id, s.ToString());
}

Result<std::string> LocalCredentials::Hash(std::string_view password) {
  Result<std::string> normalized = policy::NormalizePassword(password);
  if (!normalized.ok()) return normalized.status();
  return crypto::HashPassword(*normalized);
}

Status LocalCredentials::Set(const store::User& user, std::string_view password, bool must_change) {
  Result<std::string> hash = Hash(password);
  if (!hash.ok()) return hash.status();
  return users_.SetPassword(user.id, *hash, must_change);
}

bool LocalCredentials::MustChange(const store::User& user) { return user.must_change_password; }

}  // namespace secinfo::flows
