#include "flows/sign_in/second_step.h"

#include <algorithm>

#include "flows/audit.h"
#include "methods/registry.h"
#include "policy/sign_in_policy.h"

namespace secinfo::flows {

Result<SecondStepState> SecondStep::Evaluate(const Principal& p) {
  SecondStepState s;
  auto rules = store_.sign_in().GetPolicy(p.user.tenant_id);
  if (!rules.ok()) return rules.status();
  s.rules = *rules;
  s.second_factor_at = p.session.second_factor_at;
  auto choices = verifier_.Choices(p.user, methods::Purpose::kMfa);
  if (!choices.ok()) return choices.status();
  s.has_sign_in_method = !choices->empty();

  // Registered during this very session (the interrupt, or a first method): the registration
  // proved the method just now.
  if (s.has_sign_in_method && p.session.second_factor_at == 0 && p.session.second_step.empty()) {
    int64_t newest = 0;
    bool all_new = true;
    for (const MethodChoice& c : *choices) {
      all_new = all_new && c.method.created_at >= p.session.created_at;
      newest = std::max(newest, c.method.created_at);
    }
    if (all_new) {
      SECINFO_RETURN_IF_ERROR(sessions_.MarkSecondStep(p, "registered", newest));
      RecordAudit(store_, clock_,
                  {p.user.tenant_id, p.user.id, p.session.client_ip, "sign_in_second_step", "",
                   "registered", "a first method registered in this session"});
      s.second_factor_at = newest;
      return s;
    }
  }
  if (!p.session.second_step.empty() || !policy::RequiresMfa(s.rules, p.user)) return s;
  if (!s.has_sign_in_method) {
    s.need = SecondStepNeed::kRegister;
    s.skips_left = std::max<int64_t>(0, s.rules.max_skips - p.user.registration_skips);
    return s;
  }
  s.need = SecondStepNeed::kVerify;
  return s;
}

Result<bool> SecondStep::Skip(const Principal& p) {
  auto state = Evaluate(p);
  if (!state.ok()) return state.status();
  if (state->need != SecondStepNeed::kRegister) return false;
  auto counted = store_.users().CountRegistrationSkip(p.user.id, state->rules.max_skips);
  if (!counted.ok() || !*counted) return counted;
  SECINFO_RETURN_IF_ERROR(sessions_.MarkSecondStep(p, "skipped"));
  RecordAudit(store_, clock_,
              {p.user.tenant_id, p.user.id, p.session.client_ip, "sign_in_second_step", "",
               "skipped", "registration skipped"});
  return true;
}

Status SecondStep::Complete(const Principal& p, std::string_view id) {
  return store_.Atomically([&]() -> Status {
    auto v = verifier_.Consume(id, Sessions::TokenHash(p.session_token));
    if (!v.ok()) return v.status();
    const methods::Proof proof = methods::ParseProof(v->proof).value_or(methods::Proof::kCall);
    return sessions_.RecordSecondFactor(p, methods::AmrOf(proof));
  });
}

Status SecondStep::CheckAndComplete(const Principal& p, std::string_view id, std::string_view code,
                                    VerifyCodeResult* result) {
  *result = verifier_.SubmitCode(id, Sessions::TokenHash(p.session_token), code);
  if (result->outcome != VerifyCodeOutcome::kAccepted) return Status::Ok();
  return Complete(p, id);
}

CodeStep SecondStep::SubmitCode(const Principal& p, std::string_view id, std::string_view code) {
  CodeStep step;
  step.id = std::string(id);
  step.status = store_.Atomically([&] { return CheckAndComplete(p, id, code, &step.result); });
  return step;
}

CodeStep SecondStep::ProveWithAppCode(const Principal& p, const VerifyRequest& r,
                                      std::string_view code) {
  CodeStep step;
  // One transaction: the check's reservation, the time step marked used, the audit lines and the
  // session's assurance are all or nothing, and the answer waits for their commit.
  step.status = store_.Atomically([&]() -> Status {
    AppCodeProof proved = verifier_.ProveAppCode(r, code);
    step.start = proved.start;
    step.id = std::move(proved.id);
    step.result = proved.result;
    if (step.start != VerifyStartError::kNone ||
        step.result.outcome != VerifyCodeOutcome::kAccepted) {
      return Status::Ok();
    }
    return sessions_.RecordSecondFactor(p, methods::AmrOf(methods::Proof::kAppCode));
  });
  return step;
}

}  // namespace secinfo::flows
