#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace secinfo::cli::authenticator {

// One account the companion authenticator holds: the device it registered with a secinfo server
// for one person, with that device's private key. A value type; thread-compatible.
struct Account {
  std::string issuer;           // "Contoso", as the server named it at enrolment
  std::string account;          // "ana@contoso.example"
  std::string device_id;        // the server's id for this device; a [A-Za-z0-9_-] token
  std::string device_name;      // the name sent at enrolment, shown on the Security info page
  std::string api;              // "https://id.contoso.example/api/authenticator", no trailing '/'
  std::string otpauth;          // the TOTP key URI for `codes`; may be empty
  std::string public_key_b64;   // base64url uncompressed P-256 point (crypto/ecdsa.h)
  std::string private_key_pem;  // PKCS#8 PEM: a secret, which is why the file is 0600
  int64_t enrolled_at = 0;      // Unix seconds
};

// Where accounts live when --store is not given: $XDG_CONFIG_HOME/secinfo-authenticator when
// XDG_CONFIG_HOME is an absolute path (the XDG spec ignores relative ones), else
// $HOME/.config/secinfo-authenticator. Arguments are the raw environment values (null if unset).
// Returns NotFound when neither gives a usable folder.
Result<std::string> DefaultStoreDir(const char* xdg_config_home, const char* home);

inline constexpr const char* kAccountsFileName = "accounts.json";

// The accounts in `dir`/accounts.json, in enrolment order; an empty list when the file does not
// exist (a fresh device). The file is checked before it is read, like the server's key file
// (crypto/key_file.h). Returns:
//   PermissionDenied  if the file is readable or writable by group or others: it holds private
//                     keys (fix: chmod 600);
//   InvalidArgument   if it is not a regular file, or not the JSON that SaveAccounts writes;
//   Internal          on I/O errors (the message names the path and the system's reason).
Result<std::vector<Account>> LoadAccounts(const std::string& dir);

// Replaces `dir`/accounts.json with `accounts`, atomically: written to a temporary file of mode
// 0600 in `dir`, flushed, then renamed into place, so a crash leaves the old or the new file and
// never a torn one, and the keys are never readable by others. Creates `dir` (mode 0700) and its
// parents when missing. Returns Internal on I/O errors.
// Not safe against another process saving at the same time (the last rename wins): one person
// runs one `enrol` at a time.
Status SaveAccounts(const std::string& dir, const std::vector<Account>& accounts);

}  // namespace secinfo::cli::authenticator
