#include "flows/oidc/keys.h"

#include <nlohmann/json.hpp>

#include "crypto/encoding.h"

namespace secinfo::flows::oidc {
namespace {

constexpr crypto::JwsAlgorithm kAlgorithms[] = {crypto::JwsAlgorithm::kRs256,
                                                crypto::JwsAlgorithm::kEs256};

nlohmann::json ToJson(const crypto::PublicJwk& k, std::string_view kid, crypto::JwsAlgorithm alg) {
  nlohmann::json j = {{"kty", k.kty},
                      {"kid", kid},
                      {"use", "sig"},
                      {"alg", std::string(crypto::JwsAlgorithmName(alg))}};
  if (k.kty == "RSA") {
    j["n"] = k.n;
    j["e"] = k.e;
  } else {
    j["crv"] = k.crv;
    j["x"] = k.x;
    j["y"] = k.y;
  }
  return j;
}

crypto::PublicJwk FromJson(const nlohmann::json& j) {
  crypto::PublicJwk k;
  k.kty = j.value("kty", "");
  k.n = j.value("n", "");
  k.e = j.value("e", "");
  k.crv = j.value("crv", "");
  k.x = j.value("x", "");
  k.y = j.value("y", "");
  return k;
}

}  // namespace

Result<std::string> SigningKeys::Add(crypto::JwsAlgorithm alg) {
  auto pem = crypto::GenerateSigningKey(alg);
  if (!pem.ok()) return pem.status();
  auto jwk = crypto::PublicJwkOf(alg, *pem);
  if (!jwk.ok()) return jwk.status();
  const int64_t now = clock_.NowMillis();
  store::OidcSigningKey key;
  key.kid = crypto::JwkThumbprint(*jwk);
  key.alg = std::string(crypto::JwsAlgorithmName(alg));
  key.sealed_private_key = crypto::Base64UrlEncode(box_.Seal(*pem, random_));
  key.public_jwk = ToJson(*jwk, key.kid, alg).dump();
  key.created_at = now;
  SECINFO_RETURN_IF_ERROR(store_.oidc().AddSigningKey(key, now + retired_millis_));
  return key.kid;
}

Status SigningKeys::Ensure() {
  auto keys = store_.oidc().ListSigningKeys(clock_.NowMillis());
  if (!keys.ok()) return keys.status();
  for (crypto::JwsAlgorithm alg : kAlgorithms) {
    bool in_use = false;
    for (const auto& k : *keys) {
      in_use = in_use || (k.retired_at == 0 && k.alg == crypto::JwsAlgorithmName(alg));
    }
    if (in_use) continue;
    auto kid = Add(alg);
    if (!kid.ok()) return kid.status();
  }
  return Status::Ok();
}

Result<std::vector<std::string>> SigningKeys::Rotate() {
  std::vector<std::string> kids;
  for (crypto::JwsAlgorithm alg : kAlgorithms) {
    auto kid = Add(alg);
    if (!kid.ok()) return kid.status();
    kids.push_back(*kid);
  }
  return kids;
}

Result<SigningKeys::Signer> SigningKeys::Current(crypto::JwsAlgorithm alg) {
  auto keys = store_.oidc().ListSigningKeys(clock_.NowMillis());
  if (!keys.ok()) return keys.status();
  for (const auto& k : *keys) {
    if (k.retired_at != 0 || k.alg != crypto::JwsAlgorithmName(alg)) continue;
    auto sealed = crypto::Base64UrlDecode(k.sealed_private_key);
    if (!sealed.ok()) return sealed.status();
    auto pem = box_.Open(*sealed);
    if (!pem.ok()) return Status::Internal("signing key " + k.kid + ": cannot open with this key");
    return Signer{k.kid, std::move(*pem)};
  }
  return Status::NotFound("no signing key in use for " + std::string(JwsAlgorithmName(alg)));
}

Result<std::string> SigningKeys::Jwks() {
  auto keys = store_.oidc().ListSigningKeys(clock_.NowMillis());
  if (!keys.ok()) return keys.status();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& k : *keys) list.push_back(nlohmann::json::parse(k.public_jwk));
  return nlohmann::json{{"keys", list}}.dump();
}

Result<std::pair<crypto::JwsAlgorithm, crypto::PublicJwk>> SigningKeys::Find(std::string_view kid) {
  auto keys = store_.oidc().ListSigningKeys(clock_.NowMillis());
  if (!keys.ok()) return keys.status();
  for (const auto& k : *keys) {
    if (k.kid != kid) continue;
    auto alg = crypto::ParseJwsAlgorithm(k.alg);
    if (!alg) break;
    return std::pair{*alg, FromJson(nlohmann::json::parse(k.public_jwk))};
  }
  return Status::NotFound("no published key " + std::string(kid));
}

}  // namespace secinfo::flows::oidc
