#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cli/authenticator/accounts.h"
#include "cli/authenticator/protocol.h"
#include "core/clock.h"
#include "core/result.h"

namespace secinfo::cli::authenticator {

struct ClientOptions {
  std::chrono::milliseconds connect_timeout{10'000};  // per request
  std::chrono::milliseconds request_timeout{30'000};  // enrol and answer, end to end
  // A poll's limit: the server holds a poll about 25 s, so this leaves room for a slow network.
  std::chrono::milliseconds poll_timeout{40'000};
};

// The device side of push approval: enrols a device with a registration link, polls for sign-in
// requests and sends signed answers (protocol.h). Holds no state but its options and each
// device's last poll time; thread-safe, so one Client may poll for several accounts from several
// threads.
//
// Status codes returned, so that callers can word them for the person:
//   Unavailable      the server could not be reached, did not answer in time, or answered 5xx
//                    or 429 (too many polls of the device at once) (message: why); worth trying
//                    again later
//   InvalidArgument  a link or URL the companion does not use (see CheckServerUrl)
//   PermissionDenied the server refused the device (enrol: 400, a bad key; poll: 401)
//   FailedPrecondition enrol only: the link was used or has expired (410)
//   Internal         any other status, a malformed reply, or a local crypto failure
class Client {
 public:
  Client(const Clock& clock, ClientOptions options = {});

  // Makes a P-256 key pair, sends its public key to `link` and returns the new account, private
  // key included, ready to save. `link` must pass CheckServerUrl, and so must the reply's api,
  // which must also be on the link's origin (scheme, host and port): the device answers only the
  // server it enrolled with.
  Result<Account> Enrol(const std::string& link, const std::string& device_name) const;

  // One long poll: the requests pending for `account`'s device, often none. `cancel`, when not
  // null, abandons the poll (Unavailable "cancelled") soon after it becomes true. Each poll signs
  // a time later than the device's previous one: the server accepts a signed poll once.
  Result<std::vector<PushRequest>> Poll(const Account& account,
                                        const std::atomic<bool>* cancel = nullptr) const;

  // Signs and sends `answer` to `request`; returns the server's judgement.
  Result<AnswerOutcome> Answer(const Account& account, const PushRequest& request,
                               const PushAnswer& answer) const;

 private:
  // Now, or one second past the device's last poll when that is not earlier.
  int64_t NextPollTime(const std::string& device_id) const;

  const Clock& clock_;
  const ClientOptions options_;
  mutable std::mutex poll_times_mu_;
  mutable std::map<std::string, int64_t> last_poll_times_;  // guarded by poll_times_mu_
};

}  // namespace secinfo::cli::authenticator
