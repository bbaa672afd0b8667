#include "crypto/sodium_init.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace secinfo::crypto::internal {

void EnsureSodium() {
  // A function-local static is initialized once, thread-safely (C++11 "magic statics").
  static const bool initialized = [] {
    if (sodium_init() < 0) {
      std::fputs("secinfo: libsodium failed to initialize\n", stderr);
      std::abort();
    }
    return true;
  }();
  (void)initialized;
}

}  // namespace secinfo::crypto::internal
