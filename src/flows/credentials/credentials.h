#pragma once

#include <string_view>

#include "core/result.h"
#include "store/store.h"

namespace secinfo::flows {

// Where people's passwords are checked and changed. Flows (sign-in, password change, reset, admin
// commands) only speak to this interface, so a directory (LDAP, or Active Directory with password
// writeback) can replace the local Argon2id store without touching them. Passwords cross it as
// typed: the implementation normalizes them (NFKC, NIST SP 800-63B 5.1.1.2). Whether a new
// password meets the rule is the caller's business (policy/password_rules.h), before Set.
// Implementations are thread-safe; Verify and Set may block ~50 ms (Argon2id): call them off I/O
// threads.
class Credentials {
 public:
  virtual ~Credentials() = default;

  // True when `password` is `user`'s password. With `user` null (no such user name) spends the
  // same time and returns false, so timing does not tell which names exist (ASVS V2.2.x).
  virtual bool Verify(const store::User* user, std::string_view password) = 0;

  // Makes `password` the user's password. `must_change`: it is a temporary password, to be
  // changed at the next sign-in. NotFound when the user is gone.
  virtual Status Set(const store::User& user, std::string_view password, bool must_change) = 0;

  // Whether the user must choose a new password before anything else.
  // REQUIRES: `user` was read from the store while serving this request (it carries the flag).
  virtual bool MustChange(const store::User& user) = 0;
};

// The passwords kept in the store as Argon2id hashes (crypto/password.h) of their NFKC form.
//
// Hashes written before passwords were normalized were made from the bytes as typed: when the
// normalized form does not match and differs from what was typed, Verify tries the typed bytes
// too, and on a match stores the hash of the normalized form. Verify also rehashes when the stored
// hash was made with other Argon2id parameters than today's (crypto_pwhash_str_needs_rehash).
class LocalCredentials final : public Credentials {
 public:
  explicit LocalCredentials(store::UserStore& users) : users_(users) {}
  bool Verify(const store::User* user, std::string_view password) override;
  Status Set(const store::User& user, std::string_view password, bool must_change) override;
  bool MustChange(const store::User& user) override;

  // The encoded Argon2id hash of `password`'s NFKC form, as Set stores it (for an account being
  // created). InvalidArgument when `password` is not valid UTF-8.
  static Result<std::string> Hash(std::string_view password);

 private:
  void Rehash(const store::User& user, std::string_view normalized);

  store::UserStore& users_;
};

}  // namespace secinfo::flows
