#include "flows/proof.h"

#include <algorithm>
#include <array>
#include <utility>

namespace secinfo::flows {
namespace {

constexpr std::array<std::pair<ProofPurpose, std::string_view>, 4> kNames = {{
    {ProofPurpose::kRegister, "register"},
    {ProofPurpose::kSignIn, "sign_in"},
    {ProofPurpose::kStepUp, "step_up"},
    {ProofPurpose::kPasswordReset, "password_reset"},
}};

}  // namespace

std::string_view ProofPurposeName(ProofPurpose p) {
  for (const auto& [purpose, name] : kNames) {
    if (purpose == p) return name;
  }
  return "register";
}

std::optional<ProofPurpose> ParseProofPurpose(std::string_view name) {
  for (const auto& [purpose, n] : kNames) {
    if (n == name) return purpose;
  }
  return std::nullopt;
}

void PutChosenProofFirst(std::string_view chosen, std::vector<methods::Proof>& proofs) {
  std::optional<methods::Proof> p = methods::ParseProof(chosen);
  if (!p) return;
  auto it = std::find(proofs.begin(), proofs.end(), *p);
  if (it != proofs.end()) std::rotate(proofs.begin(), it, it + 1);
}

}  // namespace secinfo::flows
