#pragma once

#include <string>

#include "core/status.h"

namespace secinfo {

// Files only this account may read: the database, its -wal and -shm companions, the key file and
// the folders that hold them (OWASP ASVS 4.0 V6.1.1, V14.2: sensitive data at rest protected).

// Creates every missing folder of `dir`, each with mode 0700 whatever the umask. Folders that
// already exist are left as they are (an operator may have chosen their mode). Unavailable, with
// the reason, when one cannot be created.
Status CreatePrivateDirectories(const std::string& dir);

// Creates `path` empty with mode 0600 whatever the umask, unless it already exists (then it is
// left as it is). SQLite creates the -wal and -shm files with the mode of the database file, so
// creating the database this way keeps all three private. Unavailable when it cannot be created.
Status CreatePrivateFile(const std::string& path);

}  // namespace secinfo
