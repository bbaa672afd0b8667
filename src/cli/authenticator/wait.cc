#include "cli/authenticator/wait.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <istream>
#include <mutex>
#include <ostream>
#include <set>
#include <string>
#include <thread>

namespace secinfo::cli::authenticator {
namespace {

using Steady = std::chrono::steady_clock;

// What a poller thread reports to the thread that talks to the person.
struct Event {
  size_t account;  // index into the accounts
  std::vector<PushRequest> requests;
  Status problem;  // not OK: the poll failed
  bool fatal = false;
  std::chrono::milliseconds retry_in{0};  // for a passing problem
};

// One poller thread per account feeding one queue. Everything below mu_ is guarded by it; the
// accounts and the client are read-only and shared.
class Pollers {
 public:
  Pollers(const Client& client, const std::vector<Account>& accounts, const WaitOptions& options)
      : client_(client), accounts_(accounts), options_(options) {
    for (size_t i = 0; i < accounts_.size(); ++i) threads_.emplace_back([this, i] { Loop(i); });
  }

  ~Pollers() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : threads_) t.join();
  }

  // The next event, waiting until `deadline`; nullopt when it passed first.
  std::optional<Event> Next(std::optional<Steady::time_point> deadline) {
    std::unique_lock lock(mu_);
    auto ready = [this] { return !events_.empty(); };
    if (deadline) {
      if (!cv_.wait_until(lock, *deadline, ready)) return std::nullopt;
    } else {
      cv_.wait(lock, ready);
    }
    Event e = std::move(events_.front());
    events_.pop_front();
    return e;
  }

 private:
  void Push(Event e) {
    {
      std::lock_guard lock(mu_);
      events_.push_back(std::move(e));
    }
    cv_.notify_all();
  }

  void Loop(size_t i) {
    std::chrono::milliseconds backoff = options_.retry_first;
    while (!stop_) {
      auto polled = client_.Poll(accounts_[i], &stop_);
      if (stop_) return;
      if (polled.ok()) {
        backoff = options_.retry_first;
        if (!polled->empty()) Push({i, std::move(*polled), Status::Ok()});
        continue;
      }
      const bool fatal = polled.status().code() != Status::Code::kUnavailable;
      Push({i, {}, polled.status(), fatal, backoff});
      if (fatal) return;
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, backoff, [this] { return stop_.load(); });
      backoff = std::min(backoff * 2, options_.retry_max);
    }
  }

  const Client& client_;
  const std::vector<Account>& accounts_;
  const WaitOptions& options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_;       // guarded by mu_
  std::atomic<bool> stop_{false};  // written under mu_ so waits on cv_ see it
  std::vector<std::thread> threads_;
};

std::string LocalTime(int64_t unix_millis) {
  const std::time_t t = static_cast<std::time_t>(unix_millis / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// Asks until the person types something valid; nullopt when the input closes.
std::optional<PushAnswer> Ask(const Messages& text, Terminal& t) {
  t.out << text("companion_prompt") << " " << std::flush;
  for (std::string line; std::getline(t.in, line);) {
    if (auto answer = ParseTypedAnswer(line)) return answer;
    t.out << text("companion_prompt_again") << " " << std::flush;
  }
  t.out << "\n";
  return std::nullopt;
}

const char* OutcomeKey(AnswerOutcome o, const PushAnswer& asked) {
  switch (o) {
    case AnswerOutcome::kApproved:
      return "companion_outcome_approved";
    case AnswerOutcome::kDenied:
      return asked.report ? "companion_outcome_reported" : "companion_outcome_denied";
    case AnswerOutcome::kWrongNumber:
      return "companion_outcome_wrong_number";
    case AnswerOutcome::kExpired:
      return "companion_outcome_expired";
    case AnswerOutcome::kBadSignature:
      return "companion_outcome_bad_signature";
    case AnswerOutcome::kNotPending:
      return "companion_outcome_not_pending";
  }
  return "companion_outcome_bad_signature";
}

bool AsAsked(AnswerOutcome o, const PushAnswer& asked) {
  return asked.decision == Decision::kApprove ? o == AnswerOutcome::kApproved
                                              : o == AnswerOutcome::kDenied;
}

}  // namespace

std::optional<PushAnswer> ParseTypedAnswer(std::string_view typed) {
  while (!typed.empty() && std::isspace(static_cast<unsigned char>(typed.front()))) {
    typed.remove_prefix(1);
  }
  while (!typed.empty() && std::isspace(static_cast<unsigned char>(typed.back()))) {
    typed.remove_suffix(1);
  }
  if (typed == "d" || typed == "D") return PushAnswer{Decision::kDeny, 0, false};
  if (typed == "r" || typed == "R") return PushAnswer{Decision::kDeny, 0, true};
  if (typed.empty() || typed.size() > 6) return std::nullopt;
  int number = 0;
  for (char c : typed) {
    if (c < '0' || c > '9') return std::nullopt;
    number = number * 10 + (c - '0');
  }
  return PushAnswer{Decision::kApprove, number, false};
}

int WaitForRequests(const Client& client, const std::vector<Account>& accounts,
                    const WaitOptions& options, const Messages& text, Terminal terminal) {
  if (accounts.empty()) {
    terminal.err << text("companion_no_accounts") << "\n";
    return kExitError;
  }
  std::optional<Steady::time_point> deadline;
  if (options.timeout) deadline = Steady::now() + *options.timeout;
  terminal.out << text("companion_waiting", {{"count", std::to_string(accounts.size())}}) << "\n"
               << std::flush;

  Pollers pollers(client, accounts, options);
  std::set<std::string> seen;  // "<api> <id>" of requests shown, so each is answered once
  size_t dropped = 0;
  bool answered = false;
  int worst = kExitOk;
  while (auto event = pollers.Next(deadline)) {
    const Account& account = accounts[event->account];
    if (!event->problem.ok()) {
      if (event->fatal) {
        const char* key = event->problem.code() == Status::Code::kPermissionDenied
                              ? "companion_poll_refused"
                              : "companion_poll_failed";
        terminal.err << text(key,
                             {{"account", account.account}, {"detail", event->problem.message()}})
                     << "\n";
        if (++dropped == accounts.size()) return kExitError;
      } else {
        terminal.err << text("companion_poll_retry",
                             {{"account", account.account},
                              {"detail", event->problem.message()},
                              {"seconds", std::to_string(event->retry_in.count() / 1000)}})
                     << "\n";
      }
      continue;
    }
    for (const PushRequest& request : event->requests) {
      const std::string key = account.api + " " + request.id;
      if (!seen.insert(key).second) continue;
      const std::string& who = request.account.empty() ? account.account : request.account;
      terminal.out << text("companion_request", {{"app", request.app},
                                                 {"account", who},
                                                 {"time", LocalTime(request.created_at)},
                                                 {"ip", request.ip}})
                   << "\n"
                   << std::flush;
      std::optional<PushAnswer> answer = options.auto_answer;
      if (!answer) answer = Ask(text, terminal);
      if (!answer) {
        terminal.err << text("companion_input_closed") << "\n";
        return kExitError;
      }
      auto outcome = client.Answer(account, request, *answer);
      if (!outcome.ok()) {
        terminal.err << text("companion_answer_failed", {{"detail", outcome.status().message()}})
                     << "\n";
        if (options.once) return kExitError;
        // Not asked again: a server that lists the request but refuses answers would otherwise
        // be hammered in a loop. The sign-in page can always send a new request.
        continue;
      }
      terminal.out << text(OutcomeKey(*outcome, *answer)) << "\n" << std::flush;
      const int code = AsAsked(*outcome, *answer) ? kExitOk : kExitNotAccepted;
      if (options.once) return code;
      answered = true;
      worst = std::max(worst, code);
    }
  }
  if (!answered) terminal.out << text("companion_nothing") << "\n";
  return answered ? worst : kExitNothing;
}

}  // namespace secinfo::cli::authenticator
