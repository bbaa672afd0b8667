#pragma once

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>
#include <string_view>

// Internals shared by the OpenSSL-backed files of src/crypto (ecdsa.cc, jws.cc): owning pointers
// for OpenSSL objects and the error-queue discipline. Nothing outside src/crypto includes this.
namespace secinfo::crypto::openssl {

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct BioFree {
  void operator()(BIO* p) const { BIO_free(p); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

// OpenSSL records every failure in a per-thread queue; a stale entry would be misread by the next
// caller that inspects it (TLS code does), so each entry point leaves the queue empty.
class ErrorQueueGuard {
 public:
  ErrorQueueGuard() = default;
  ~ErrorQueueGuard() { ERR_clear_error(); }
  ErrorQueueGuard(const ErrorQueueGuard&) = delete;
  ErrorQueueGuard& operator=(const ErrorQueueGuard&) = delete;
};

inline const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Refuses to prompt: OpenSSL's default callback would read a pass phrase from the terminal when
// handed an encrypted PEM.
inline int NoPassphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* /*u*/) { return -1; }

}  // namespace secinfo::crypto::openssl
