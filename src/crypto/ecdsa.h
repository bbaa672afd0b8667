#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace secinfo::crypto {

// ECDSA over NIST P-256 with SHA-256 (FIPS 186-5), the signature an authenticator device puts on
// its answer to a push challenge. The device keeps the private key (a PKCS#8 PEM file); the server
// keeps only the public key, so a stolen database cannot approve pushes.
//
// Encodings, chosen to travel in JSON and URLs:
//   public key  base64url (no padding) of the 65-byte uncompressed SEC 1 point 0x04 || X || Y
//   private key PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), unencrypted
//   signature   base64url (no padding) of the DER ECDSA-Sig-Value (at most 72 bytes)
//
// Built on OpenSSL 3's EVP API. All functions are thread-safe and never throw; OpenSSL's error
// queue is cleared before they return.

struct EcdsaKeyPair {
  std::string public_key_b64;   // the uncompressed point, base64url
  std::string private_key_pem;  // PKCS#8 PEM; a secret: store it 0600
};

// A fresh P-256 key pair from OpenSSL's CSPRNG.
// Returns Internal if OpenSSL fails (out of memory, no entropy).
Result<EcdsaKeyPair> GenerateEcdsaP256KeyPair();

// The base64url public key of a PKCS#8 PEM private key made by GenerateEcdsaP256KeyPair.
// Returns InvalidArgument if `private_key_pem` is not an unencrypted P-256 private key.
Result<std::string> EcdsaP256PublicKey(std::string_view private_key_pem);

// Whether `public_key_b64` is a well-formed P-256 public key (right length, uncompressed, on the
// curve). Call it when a device registers, so a bad key is refused then and not at first push.
bool IsValidEcdsaP256PublicKey(std::string_view public_key_b64);

// The base64url DER signature of SHA-256(`message`) under `private_key_pem`. Signatures are
// randomized: two calls give different, equally valid, signatures.
// Returns InvalidArgument if `private_key_pem` is not an unencrypted P-256 private key.
Result<std::string> EcdsaP256Sign(std::string_view private_key_pem, std::string_view message);

// True only if `signature_b64` is a valid DER signature of `message` by the holder of the private
// key for `public_key_b64`. False for any malformed key or signature (bad base64url, wrong length,
// point off the curve, non-canonical DER), never an error or a crash.
bool EcdsaP256Verify(std::string_view public_key_b64, std::string_view message,
                     std::string_view signature_b64);

}  // namespace secinfo::crypto
