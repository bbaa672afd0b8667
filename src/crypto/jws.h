#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace secinfo::crypto {

// JSON Web Signatures (RFC 7515) in compact form, the envelope of OpenID Connect ID tokens, and
// the public keys that check them as JSON Web Keys (RFC 7517) named by their RFC 7638 thumbprint.
//
// Two algorithms (RFC 7518 §3): RS256 (RSASSA-PKCS1-v1_5 with SHA-256, 2048-bit keys) and ES256
// (ECDSA P-256 with SHA-256, whose signature is the raw 64-byte R || S, not OpenSSL's DER).
// Private keys travel as unencrypted PKCS#8 PEM: callers seal them before storing them.
//
// Built on OpenSSL 3's EVP API. All functions are thread-safe and never throw.

enum class JwsAlgorithm { kRs256, kEs256 };

// "RS256", "ES256".
std::string_view JwsAlgorithmName(JwsAlgorithm alg);
// nullopt for any other name.
std::optional<JwsAlgorithm> ParseJwsAlgorithm(std::string_view name);

// A fresh private key for `alg` (RSA 2048 or P-256), as PKCS#8 PEM.
// Returns Internal if OpenSSL fails.
Result<std::string> GenerateSigningKey(JwsAlgorithm alg);

// The public half of a key, with its members base64url-encoded as RFC 7518 §6 has them.
struct PublicJwk {
  std::string kty;  // "RSA" or "EC"
  std::string n;    // RSA modulus
  std::string e;    // RSA exponent
  std::string crv;  // "P-256"
  std::string x;    // EC point, 32 bytes each
  std::string y;
};

// The public key of a PEM private key made for `alg`.
// Returns InvalidArgument if `private_key_pem` is not such a key.
Result<PublicJwk> PublicJwkOf(JwsAlgorithm alg, std::string_view private_key_pem);

// RFC 7638 thumbprint: base64url(SHA-256(the required members in lexicographic order, no
// whitespace)). Stable for a key whatever else its JWK says, so it serves as the key's `kid`.
std::string JwkThumbprint(const PublicJwk& jwk);

// `payload` (a JSON text) signed with `private_key_pem` under the protected header
// {"alg":..., "kid": `kid`, "typ":"JWT"}: "header.payload.signature".
// REQUIRES: `kid` is base64url (it is written into the header unescaped).
// Returns InvalidArgument if the key does not fit `alg`.
Result<std::string> SignJws(JwsAlgorithm alg, std::string_view private_key_pem,
                            std::string_view kid, std::string_view payload);

// The payload of a compact JWS if its signature by `jwk` under `alg` is valid and its header names
// `alg`; nullopt otherwise (malformed input included, never an error).
std::optional<std::string> VerifyJws(JwsAlgorithm alg, const PublicJwk& jwk,
                                     std::string_view compact);

}  // namespace secinfo::crypto
