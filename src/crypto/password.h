#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace secinfo::crypto {

// Password (and security-answer) hashing with Argon2id through libsodium.
//
// Parameters follow OWASP's Password Storage Cheat Sheet for Argon2id (m=19 MiB, t=2, p=1), which
// satisfies OWASP ASVS 4.0 V2.4.1 (passwords stored with an approved, salted, memory-hard one-way
// function) and NIST SP 800-63B section 5.1.1.2 (memorized secrets salted and hashed with a
// suitable one-way key derivation function). One hash or verification costs ~50 ms and 19 MiB.
//
// All functions are thread-safe. Hashes and verifications run on a pool of their own, one thread a
// core at a lower priority (the caller waits): however many requests sign in at once, Argon2id
// holds at most cores × 19 MiB and leaves the processor to lighter requests first.

inline constexpr unsigned long long kArgon2OpsLimit = 2;     // t, passes over memory
inline constexpr size_t kArgon2MemLimit = 19 * 1024 * 1024;  // m, bytes (19456 KiB)

// The self-describing encoded hash of `password` with a fresh random salt, e.g.
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>". Store it as is.
// Returns Internal if the memory could not be allocated.
Result<std::string> HashPassword(std::string_view password);

// True when `password` matches `encoded_hash` (as made by HashPassword, or with older
// parameters). False when it does not, and when `encoded_hash` is malformed or not Argon2.
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

// True when `encoded_hash` was made with other parameters than today's; the caller should then
// store HashPassword(password) after a successful VerifyPassword. True for a malformed hash too.
bool PasswordNeedsRehash(std::string_view encoded_hash);

// Spends the same time as a VerifyPassword against a real hash, and always fails. Call it when the
// user name is unknown, so that the response time does not reveal which user names exist.
void VerifyAgainstDummy(std::string_view password);

}  // namespace secinfo::crypto
