#pragma once

#include <string>

#include "core/random.h"
#include "core/result.h"

namespace secinfo::crypto {

inline constexpr size_t kKeyFileSize = 32;

// The server's 32-byte master key, kept in the file at `path` (raw bytes, mode 0600).
//
// When the file does not exist, it is created with 32 bytes from `random`, mode 0600, and
// published atomically (written to a temporary file in the same folder, flushed, then linked into
// place), so a crash never leaves a short key behind and two servers starting together on a shared
// folder end up with the same key.
//
// On success, returns the 32 bytes. Returns:
//   PermissionDenied  if the file is readable or writable by group or others (fix: chmod 600), or
//                     cannot be read or created by this process;
//   InvalidArgument   if it is not a regular file or its size is not 32 bytes;
//   Internal          on other I/O errors.
// Thread-safe, and safe against other processes doing the same.
Result<std::string> LoadOrCreateKeyFile(const std::string& path, Random& random);

// The key in the file at `path`, with the same checks; NotFound when there is no such file.
Result<std::string> LoadKeyFile(const std::string& path);

}  // namespace secinfo::crypto
