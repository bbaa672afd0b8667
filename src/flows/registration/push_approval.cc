#include "flows/registration/push_approval.h"

#include "crypto/ecdsa.h"
#include "crypto/encoding.h"
#include "crypto/hash.h"
#include "flows/audit.h"
#include "methods/authenticator/app_data.h"
#include "methods/authenticator/push.h"
#include "methods/authenticator/totp_method.h"
#include "methods/registry.h"

namespace secinfo::flows {
namespace {

using store::PushState;

namespace auth = methods::authenticator;

std::string HashToken(std::string_view token) { return crypto::HexEncode(crypto::Sha256(token)); }

// The app bound to `device_id` and its own data; NotFound when none is.
struct BoundApp {
  store::Method method;
  auth::AppData app;
};
Result<BoundApp> FindApp(store::Store& store, std::string_view device_id) {
  auto m = store.methods().FindByKey(auth::DeviceKey(device_id));
  if (!m.ok()) return m.status();
  if (!methods::IsKind(*m, methods::MethodKind::kAuthenticator)) {
    return Status::NotFound("no app is bound to the device");
  }
  auth::AppData app = auth::DataOf(*m);
  return BoundApp{std::move(*m), std::move(app)};
}

}  // namespace

PushApproval::PushApproval(store::Store& store, const Clock& clock, Random& random,
                           crypto::SecretBox seeds, PushOptions options)
    : store_(store), clock_(clock), random_(random), seeds_(std::move(seeds)), options_(options) {}

std::string PushApproval::PollPayload(std::string_view device_id, int64_t ts) {
  return "secinfo-poll-v1\n" + std::string(device_id) + "\n" + std::to_string(ts) + "\n";
}

Result<std::string> PushApproval::CreateEnrolLink(const store::User& user, int64_t method_id) {
  auto m = store_.methods().Get(user.id, method_id);
  if (!m.ok() || !methods::IsKind(*m, methods::MethodKind::kAuthenticator))
    return Status::NotFound("no such app");
  std::string token = random_.Token();
  store::PushEnrolToken t;
  t.token_hash = HashToken(token);
  t.tenant_id = user.tenant_id;
  t.user_id = user.id;
  t.method_id = method_id;
  t.created_at = clock_.NowMillis();
  t.expires_at = t.created_at + options_.enrol_link_validity_millis;
  SECINFO_RETURN_IF_ERROR(store_.push().CreateEnrolToken(t));
  return token;
}

Result<DeviceBinding> PushApproval::BindDevice(std::string_view token,
                                               std::string_view public_key_b64,
                                               std::string_view client_ip) {
  if (!crypto::IsValidEcdsaP256PublicKey(public_key_b64)) {
    return Status::InvalidArgument("not a P-256 public key");
  }
  auto t = store_.push().UseEnrolToken(HashToken(token), clock_.NowMillis());
  if (!t.ok()) return t.status();
  auto m = store_.methods().Get(t->user_id, t->method_id);
  auto user = store_.users().Get(t->user_id);
  auto tenant = store_.tenants().Get(t->tenant_id);
  if (!m.ok() || !user.ok() || !tenant.ok()) return Status::NotFound("the app is gone");
  auto sealed = crypto::Base64UrlDecode(m->secret);
  auto seed = sealed.ok() ? seeds_.Open(*sealed) : Result<std::string>(Status::Internal("seed"));
  if (!seed.ok()) return Status::Internal("the app's seed cannot be opened");
  auth::AppData app = auth::DataOf(*m);
  app.public_key = std::string(public_key_b64);
  app.device_id = random_.Token();
  auth::Put(app, *m);
  SECINFO_RETURN_IF_ERROR(ChangeWithAudit(
      store_, [&] { return store_.methods().Update(*m); },
      [&] {
        Audit(t->tenant_id, t->user_id, client_ip, "push_device_bind", "success",
              "authenticator app " + app.name);
      }));
  return DeviceBinding{app.device_id, user->username, tenant->name,
                       auth::KeyUri(tenant->name, user->username, *seed)};
}

Result<int64_t> PushApproval::AcceptPoll(std::string_view device_id, int64_t ts,
                                         std::string_view signature_b64) {
  const int64_t now = clock_.NowMillis();
  if (std::llabs(ts * 1000 - now) > options_.poll_clock_skew_millis) {
    return Status::PermissionDenied("device time too far from ours");
  }
  auto m = FindApp(store_, device_id);
  if (!m.ok()) return Status::PermissionDenied("unknown device");
  if (!crypto::EcdsaP256Verify(m->app.public_key, PollPayload(device_id, ts), signature_b64)) {
    return Status::PermissionDenied("bad signature");
  }
  // Single use (ASVS 4.0 V3.5.3, replay of signed requests): remembered for as long as the time
  // check above would still let the same URL in, then forgotten.
  const int64_t forget_before = (now - options_.poll_clock_skew_millis) / 1000 - 1;
  Status used = store_.push().UsePollSignature(device_id, ts, forget_before);
  if (used.code() == Status::Code::kAlreadyExists) {
    return Status::PermissionDenied("poll signature already used");
  }
  if (!used.ok()) return used;
  return m->method.id;
}

Result<std::vector<store::PushChallenge>> PushApproval::ListPending(int64_t method_id) {
  return store_.push().ListPending(method_id, clock_.NowMillis());
}

Result<std::vector<store::PushChallenge>> PushApproval::Pending(std::string_view device_id,
                                                                int64_t ts,
                                                                std::string_view signature_b64) {
  auto method_id = AcceptPoll(device_id, ts, signature_b64);
  if (!method_id.ok()) return method_id.status();
  return ListPending(*method_id);
}

PushAnswer PushApproval::Answer(std::string_view challenge_id, std::string_view device_id,
                                std::string_view decision, int64_t number, bool report,
                                std::string_view signature_b64) {
  auto m = FindApp(store_, device_id);
  if (!m.ok()) return PushAnswer::kBadSignature;
  // Answered once: the request is written over the version read (a second answer finds it final).
  std::optional<PushAnswer> answer;
  auto answered = CompareAndSet<store::PushChallenge>(
      [&] { return store_.push().GetChallenge(challenge_id); },
      [&](store::PushChallenge& c) {
        answer.reset();
        if (c.method_id != m->method.id || c.state != PushState::kPending) {
          answer =
              c.method_id != m->method.id ? PushAnswer::kBadSignature : PushAnswer::kNotPending;
          return false;
        }
        auth::PushChallengeView view{c.id, static_cast<int>(c.number), c.created_at,
                                     c.expires_at - c.created_at};
        switch (auth::CheckPushResponse(view, static_cast<int>(number), decision, signature_b64,
                                        m->app.public_key, clock_.NowMillis())) {
          case auth::PushOutcome::kBadSignature:
            answer = PushAnswer::kBadSignature;
            return false;
          case auth::PushOutcome::kApproved:
            c.state = PushState::kApproved;
            answer = PushAnswer::kApproved;
            break;
          case auth::PushOutcome::kDenied:
            c.state = PushState::kDenied;
            c.reported = report;
            answer = PushAnswer::kDenied;
            break;
          case auth::PushOutcome::kWrongNumber:
            // One try: a wrong number ends the request, so guessing 1 in 90 is all an attacker
            // gets.
            c.state = PushState::kWrongNumber;
            answer = PushAnswer::kWrongNumber;
            break;
          default:
            c.state = PushState::kExpired;
            answer = PushAnswer::kExpired;
            break;
        }
        return true;
      },
      [&](store::PushChallenge& c) { return store_.push().UpdateChallenge(c); });
  if (!answered.ok()) {
    return answered.status().code() == Status::Code::kNotFound ? PushAnswer::kBadSignature
                                                               : PushAnswer::kNotPending;
  }
  if (!answer) return PushAnswer::kNotPending;
  if (answered->state != PushState::kPending && answer != PushAnswer::kBadSignature &&
      answer != PushAnswer::kNotPending) {
    Audit(answered->tenant_id, answered->user_id, answered->client_ip,
          report ? "push_report" : "push_answer", std::string(store::StateName(answered->state)),
          "authenticator app " + m->app.name);
    Ended(*answered, *answer, "authenticator app " + m->app.name);
  }
  return *answer;
}

void PushApproval::Ended(const store::PushChallenge& c, PushAnswer answer,
                         const std::string& detail) {
  if (observer_ == nullptr) return;
  auto purpose = ParseProofPurpose(c.purpose);
  if (!purpose) return;  // a test request proves nothing
  ProofEnd end;
  end.tenant_id = c.tenant_id;
  end.user_id = c.user_id;
  end.purpose = *purpose;
  end.proof = methods::Proof::kPush;
  end.method = std::string(methods::KindName(methods::MethodKind::kAuthenticator));
  end.client_ip = c.client_ip;
  end.detail = detail + ": " + std::string(store::StateName(c.state));
  switch (answer) {
    case PushAnswer::kApproved:
      end.outcome = ProofOutcome::kSucceeded;
      break;
    case PushAnswer::kWrongNumber:
      end.outcome = ProofOutcome::kFailed;
      break;
    case PushAnswer::kDenied:
      end.outcome = c.reported ? ProofOutcome::kFraudReported : ProofOutcome::kCancelled;
      break;
    default:
      end.outcome = ProofOutcome::kTimedOut;
      break;
  }
  observer_->OnProofEnded(end);
}

Result<store::PushChallenge> PushApproval::SendTest(const store::User& user, int64_t method_id,
                                                    std::string_view client_ip) {
  return Send(user, method_id, "test", client_ip);
}

Result<store::PushChallenge> PushApproval::SendProof(const store::User& user, int64_t method_id,
                                                     ProofPurpose purpose,
                                                     std::string_view client_ip) {
  return Send(user, method_id, ProofPurposeName(purpose), client_ip);
}

Result<store::PushChallenge> PushApproval::Send(const store::User& user, int64_t method_id,
                                                std::string_view purpose,
                                                std::string_view client_ip) {
  auto m = store_.methods().Get(user.id, method_id);
  if (!m.ok() || !methods::IsKind(*m, methods::MethodKind::kAuthenticator))
    return Status::NotFound("no such app");
  if (auth::DataOf(*m).device_id.empty()) {
    return Status::FailedPrecondition("no device bound");
  }
  store::PushChallenge c;
  c.id = random_.Token();
  c.tenant_id = user.tenant_id;
  c.user_id = user.id;
  c.method_id = method_id;
  c.number = auth::NewMatchNumber(random_);
  c.purpose = std::string(purpose);
  c.state = PushState::kPending;
  c.client_ip = std::string(client_ip);
  c.created_at = clock_.NowMillis();
  c.expires_at = c.created_at + auth::kPushLifetimeMillis;
  SECINFO_RETURN_IF_ERROR(store_.push().CreateChallenge(c));
  c.version = 1;
  if (listener_) listener_(method_id);
  return c;
}

Result<store::PushChallenge> PushApproval::Get(std::string_view challenge_id, int64_t user_id) {
  auto c = store_.push().GetChallenge(challenge_id);
  if (!c.ok()) return c.status();
  if (c->user_id != user_id) return Status::NotFound("no such request");
  if (c->state == PushState::kPending && clock_.NowMillis() >= c->expires_at) {
    store::PushChallenge expired = *c;
    expired.state = PushState::kExpired;
    if (store_.push().UpdateChallenge(expired).ok()) {
      expired.version += 1;
      return expired;
    }
    return store_.push().GetChallenge(challenge_id);
  }
  return c;
}

void PushApproval::Audit(int64_t tenant_id, int64_t user_id, std::string_view ip,
                         std::string action, std::string result, std::string detail) {
  RecordAudit(store_, clock_,
              {tenant_id, user_id, std::string(ip), std::move(action),
               std::string(methods::KindName(methods::MethodKind::kAuthenticator)),
               std::move(result), std::move(detail)});
}

}  // namespace secinfo::flows
