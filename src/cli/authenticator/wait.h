#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <vector>

#include "cli/authenticator/accounts.h"
#include "cli/authenticator/client.h"
#include "cli/authenticator/messages.h"
#include "cli/authenticator/protocol.h"

namespace secinfo::cli::authenticator {

// Exit codes of `secinfo authenticator wait` (and of the other companion commands: 0 or 1).
inline constexpr int kExitOk = 0;           // every answer had the outcome asked for
inline constexpr int kExitError = 1;        // could not run, or could not answer
inline constexpr int kExitNotAccepted = 2;  // wrong_number, expired, bad_signature, not_pending
inline constexpr int kExitNothing = 3;      // --timeout passed and no request came

struct WaitOptions {
  bool once = false;  // return after answering one request
  // Bounds the whole wait (not a prompt already shown); nullopt waits until stopped.
  std::optional<std::chrono::milliseconds> timeout;
  // Answers every request so, without asking; nullopt asks the person on `in`.
  std::optional<PushAnswer> auto_answer;
  // After a poll fails for a passing reason (Unavailable), the next one waits this long, doubling
  // up to retry_max.
  std::chrono::milliseconds retry_first{1'000};
  std::chrono::milliseconds retry_max{30'000};
};

// Where `wait` talks to the person: prompts and outcomes on `out`, problems on `err`.
struct Terminal {
  std::istream& in;
  std::ostream& out;
  std::ostream& err;
};

// Long-polls for sign-in requests for every account at once (one thread per account) and answers
// each request once: shows its app, account, time and IP, then answers with
// `options.auto_answer` or what the person types ("Type the number shown on the sign-in page, or d
// to deny, r to deny and report"). An account whose device the server refuses (401) is dropped
// with a message; the wait fails when none is left.
// Returns the exit code: with `once`, that of the one answer; otherwise, when the timeout passes,
// kExitNothing if no request came, else kExitNotAccepted if any answer was not accepted as asked,
// else kExitOk. kExitError when `accounts` is empty, the input closes at a prompt, or an answer
// could not be sent with `once`.
// REQUIRES: `client` outlives the call.
int WaitForRequests(const Client& client, const std::vector<Account>& accounts,
                    const WaitOptions& options, const Messages& text, Terminal terminal);

// What the person typed at the prompt: a number approves with it, "d" denies, "r" denies and
// reports (either case, surrounding spaces ignored); nullopt for anything else.
std::optional<PushAnswer> ParseTypedAnswer(std::string_view typed);

}  // namespace secinfo::cli::authenticator
