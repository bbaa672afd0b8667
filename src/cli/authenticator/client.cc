#include "cli/authenticator/client.h"

#include <algorithm>
#include <thread>

#include "cli/authenticator/http_client.h"
#include "crypto/ecdsa.h"

namespace secinfo::cli::authenticator {
namespace {

// A 5xx is the server's passing trouble (restarting, overloaded): Unavailable, worth a retry.
Status UnexpectedReply(const std::string& what, const HttpReply& reply) {
  std::string msg = what + ": the server answered " + std::to_string(reply.status);
  if (reply.status >= 300 && reply.status < 400) msg += " (redirects are not followed)";
  if (std::string e = ErrorOf(reply.body); !e.empty()) msg += " (" + e + ")";
  // 429: too many polls of this device at once (an earlier one is still parked); try again.
  return reply.status >= 500 || reply.status == 429 ? Status::Unavailable(msg)
                                                    : Status::Internal(msg);
}

Status BadReply(const std::string& what, const Status& s) {
  return Status::Internal(what + ": " + s.message());
}

constexpr int64_t kMaxPollLeadSeconds = 10;

}  // namespace

Client::Client(const Clock& clock, ClientOptions options) : clock_(clock), options_(options) {}

Result<Account> Client::Enrol(const std::string& link, const std::string& device_name) const {
  if (CheckServerUrl(link) != UrlProblem::kNone) {
    return Status::InvalidArgument("not a registration link secinfo can use: " + link);
  }
  auto keys = crypto::GenerateEcdsaP256KeyPair();
  if (!keys.ok()) return keys.status();

  HttpOptions http{options_.connect_timeout, options_.request_timeout};
  auto reply = HttpPostJson(link, EnrolBody(keys->public_key_b64, device_name), http);
  if (!reply.ok()) return reply.status();
  if (reply->status == 410) return Status::FailedPrecondition("the link was used or has expired");
  if (reply->status == 400) {
    std::string why = ErrorOf(reply->body);
    return Status::PermissionDenied(why.empty() ? "refused" : why);
  }
  if (reply->status != 200) return UnexpectedReply("enrol", *reply);
  auto parsed = ParseEnrolReply(reply->body);
  if (!parsed.ok()) return BadReply("enrol", parsed.status());
  if (CheckServerUrl(parsed->api) != UrlProblem::kNone || OriginOf(parsed->api) != OriginOf(link)) {
    return Status::Internal("enrol: the server's api " + parsed->api +
                            " is not on the registration link's server");
  }

  Account a;
  a.issuer = parsed->issuer;
  a.account = parsed->account;
  a.device_id = parsed->device_id;
  a.device_name = device_name;
  a.api = parsed->api;
  a.otpauth = parsed->otpauth;
  a.public_key_b64 = std::move(keys->public_key_b64);
  a.private_key_pem = std::move(keys->private_key_pem);
  a.enrolled_at = clock_.NowSeconds();
  return a;
}

Result<std::vector<PushRequest>> Client::Poll(const Account& account,
                                              const std::atomic<bool>* cancel) const {
  // The server accepts each signed time once. An earlier run of this device may have used this
  // second already (a companion started again at once): a refused poll is signed again for the
  // next seconds before the device is taken as refused.
  constexpr int kAttempts = 4;
  for (int attempt = 1;; ++attempt) {
    const int64_t ts = NextPollTime(account.device_id);
    // A device whose polls come back at once (requests still listed) polls more than once a
    // second: its signed times run ahead of the clock, a few seconds at most, then it waits for
    // the clock (the server refuses times too far from its own).
    while (ts - clock_.NowSeconds() > kMaxPollLeadSeconds) {
      if (cancel != nullptr && *cancel) return Status::Unavailable("cancelled");
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto sig =
        crypto::EcdsaP256Sign(account.private_key_pem, PollSigningPayload(account.device_id, ts));
    if (!sig.ok()) return Status::Internal("sign poll: " + sig.status().message());
    HttpOptions http{options_.connect_timeout, options_.poll_timeout, 1 << 20, cancel};
    auto reply = HttpGet(PollUrl(account.api, account.device_id, ts, *sig), http);
    if (!reply.ok()) return reply.status();
    if (reply->status == 401 && attempt < kAttempts) continue;
    if (reply->status == 401) {
      return Status::PermissionDenied("the server does not accept this device's poll");
    }
    if (reply->status != 200) return UnexpectedReply("poll", *reply);
    auto requests = ParseRequests(reply->body);
    if (!requests.ok()) return BadReply("poll", requests.status());
    return requests;
  }
}

int64_t Client::NextPollTime(const std::string& device_id) const {
  // The server accepts a signed poll once: two polls in the same second sign different times.
  std::lock_guard lock(poll_times_mu_);
  int64_t& last = last_poll_times_[device_id];
  last = std::max(clock_.NowSeconds(), last + 1);
  return last;
}

Result<AnswerOutcome> Client::Answer(const Account& account, const PushRequest& request,
                                     const PushAnswer& answer) const {
  auto sig = crypto::EcdsaP256Sign(account.private_key_pem, AnswerSigningPayload(request, answer));
  if (!sig.ok()) return Status::Internal("sign answer: " + sig.status().message());
  HttpOptions http{options_.connect_timeout, options_.request_timeout};
  auto reply = HttpPostJson(AnswerUrl(account.api, request.id),
                            AnswerBody(account.device_id, answer, *sig), http);
  if (!reply.ok()) return reply.status();
  if (reply->status != 200) return UnexpectedReply("answer", *reply);
  auto outcome = ParseOutcome(reply->body);
  if (!outcome.ok()) return BadReply("answer", outcome.status());
  return outcome;
}

}  // namespace secinfo::cli::authenticator
