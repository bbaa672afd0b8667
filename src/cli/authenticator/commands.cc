#include "cli/authenticator/commands.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "cli/authenticator/accounts.h"
#include "cli/authenticator/client.h"
#include "cli/authenticator/http_client.h"
#include "cli/authenticator/messages.h"
#include "cli/authenticator/otpauth.h"
#include "cli/authenticator/wait.h"
#include "core/clock.h"

namespace secinfo::cli {
namespace {

using namespace authenticator;  // NOLINT: this file is the face of that namespace

// What the command line set; shared by the callbacks of the commands.
struct Settings {
  std::string store;  // --store; "" for the default folder
  std::string link;   // enrol
  std::string name;   // enrol --name
  bool once = false;  // wait
  std::optional<int> timeout_seconds;
  std::optional<int> approve_with;
  bool deny = false;
  bool report = false;
};

std::optional<std::string> StoreDir(const Settings& s, const Messages& text) {
  if (!s.store.empty()) return s.store;
  auto dir = DefaultStoreDir(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"));
  if (dir.ok()) return *dir;
  std::cerr << text("companion_store_no_home") << "\n";
  return std::nullopt;
}

void PrintStoreProblem(const Status& s, const std::string& dir, const Messages& text) {
  const std::string path = dir + "/" + kAccountsFileName;
  if (s.code() == Status::Code::kPermissionDenied) {
    std::cerr << text("companion_store_too_open", {{"path", path}}) << "\n";
  } else if (s.code() == Status::Code::kInvalidArgument) {
    std::cerr << text("companion_store_malformed", {{"path", path}, {"detail", s.message()}})
              << "\n";
  } else {
    std::cerr << text("companion_store_io", {{"detail", s.message()}}) << "\n";
  }
}

std::optional<std::vector<Account>> Load(const std::string& dir, const Messages& text) {
  auto accounts = LoadAccounts(dir);
  if (accounts.ok()) return std::move(*accounts);
  PrintStoreProblem(accounts.status(), dir, text);
  return std::nullopt;
}

std::string DefaultDeviceName(const Messages& text) {
  char host[256] = "";
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') {
    return text("companion_default_device_name", {{"host", "?"}});
  }
  return text("companion_default_device_name", {{"host", host}});
}

int Enrol(const Settings& s, const Messages& text) {
  switch (CheckServerUrl(s.link)) {
    case UrlProblem::kNone:
      break;
    case UrlProblem::kMalformed:
    case UrlProblem::kScheme:
      std::cerr << text("companion_link_malformed", {{"link", s.link}}) << "\n";
      return kExitError;
    case UrlProblem::kInsecure:
      std::cerr << text("companion_link_insecure", {{"link", s.link}}) << "\n";
      return kExitError;
  }
  auto dir = StoreDir(s, text);
  if (!dir) return kExitError;
  auto accounts = Load(*dir, text);
  if (!accounts) return kExitError;
  // The link works once: make sure the new key can be kept before spending it.
  if (Status st = SaveAccounts(*dir, *accounts); !st.ok()) {
    PrintStoreProblem(st, *dir, text);
    return kExitError;
  }

  SystemClock clock;
  Client client(clock);
  auto account = client.Enrol(s.link, s.name.empty() ? DefaultDeviceName(text) : s.name);
  if (!account.ok()) {
    const Status& st = account.status();
    switch (st.code()) {
      case Status::Code::kFailedPrecondition:
        std::cerr << text("companion_enrol_expired") << "\n";
        break;
      case Status::Code::kPermissionDenied:
        std::cerr << text("companion_enrol_refused", {{"detail", st.message()}}) << "\n";
        break;
      case Status::Code::kUnavailable:
        std::cerr << text("companion_network", {{"detail", st.message()}}) << "\n";
        break;
      default:
        std::cerr << text("companion_failed", {{"detail", st.message()}}) << "\n";
    }
    return kExitError;
  }
  accounts->push_back(*account);
  if (Status st = SaveAccounts(*dir, *accounts); !st.ok()) {
    PrintStoreProblem(st, *dir, text);
    return kExitError;
  }
  std::cout << text("companion_enrolled", {{"issuer", account->issuer},
                                           {"account", account->account},
                                           {"device", account->device_id}})
            << "\n";
  if (!ParseOtpauth(account->otpauth).ok()) {
    std::cout << text("companion_enrolled_no_codes") << "\n";
  }
  return kExitOk;
}

int List(const Settings& s, const Messages& text) {
  auto dir = StoreDir(s, text);
  if (!dir) return kExitError;
  auto accounts = Load(*dir, text);
  if (!accounts) return kExitError;
  if (accounts->empty()) std::cout << text("companion_no_accounts") << "\n";
  for (const Account& a : *accounts) {
    std::cout << text("companion_list_line",
                      {{"issuer", a.issuer}, {"account", a.account}, {"device", a.device_id}})
              << "\n";
  }
  return kExitOk;
}

int Codes(const Settings& s, const Messages& text) {
  auto dir = StoreDir(s, text);
  if (!dir) return kExitError;
  auto accounts = Load(*dir, text);
  if (!accounts) return kExitError;
  if (accounts->empty()) std::cout << text("companion_no_accounts") << "\n";
  const int64_t now = SystemClock().NowSeconds();
  for (const Account& a : *accounts) {
    auto key = ParseOtpauth(a.otpauth);
    if (!key.ok()) {
      std::cout << text("companion_code_none", {{"issuer", a.issuer}, {"account", a.account}})
                << "\n";
      continue;
    }
    CurrentCode c = CodeAt(*key, now);
    std::cout << text("companion_code_line", {{"issuer", a.issuer},
                                              {"account", a.account},
                                              {"code", c.code},
                                              {"seconds", std::to_string(c.seconds_left)}})
              << "\n";
  }
  return kExitOk;
}

int Wait(const Settings& s, const Messages& text) {
  auto dir = StoreDir(s, text);
  if (!dir) return kExitError;
  auto accounts = Load(*dir, text);
  if (!accounts) return kExitError;
  WaitOptions options;
  options.once = s.once;
  if (s.timeout_seconds) options.timeout = std::chrono::seconds(*s.timeout_seconds);
  if (s.approve_with) options.auto_answer = PushAnswer{Decision::kApprove, *s.approve_with, false};
  if (s.deny) options.auto_answer = PushAnswer{Decision::kDeny, 0, s.report};
  SystemClock clock;
  Client client(clock);
  return WaitForRequests(client, *accounts, options, text, {std::cin, std::cout, std::cerr});
}

}  // namespace

void AddAuthenticatorCommands(CLI::App& app) {
  auto settings = std::make_shared<Settings>();  // owned by the callbacks, which the App keeps
  CLI::App* root = app.add_subcommand(
      "authenticator", "act as your authenticator app on this device (push approval, codes)");
  root->require_subcommand(1);

  auto add_store = [settings](CLI::App* cmd) {
    cmd->add_option("--store", settings->store,
                    "folder of accounts.json (default: $XDG_CONFIG_HOME/secinfo-authenticator "
                    "or ~/.config/secinfo-authenticator)");
  };
  // Runs `body` once the command is parsed and ends the parse with its exit code.
  auto on_run = [settings](CLI::App* cmd, int (*body)(const Settings&, const Messages&)) {
    cmd->callback([settings, body] {
      const int code = body(*settings, Messages::FromEnvironment());
      std::cout.flush();
      throw CLI::RuntimeError(code);
    });
  };

  CLI::App* enrol = root->add_subcommand("enrol", "add an account with a registration link");
  enrol->add_option("link", settings->link, "the link shown on your Security info page")
      ->required();
  enrol->add_option("--name", settings->name, "how the Security info page names this device");
  add_store(enrol);
  on_run(enrol, &Enrol);

  CLI::App* list = root->add_subcommand("list", "show the accounts on this device");
  add_store(list);
  on_run(list, &List);

  CLI::App* codes = root->add_subcommand("codes", "show the current one-time code of each account");
  add_store(codes);
  on_run(codes, &Codes);

  CLI::App* wait = root->add_subcommand("wait", "wait for sign-in requests and answer them");
  wait->add_flag("--once", settings->once, "stop after answering one request");
  wait->add_option("--timeout", settings->timeout_seconds,
                   "stop after this many seconds (exit code 3 if nothing came)")
      ->check(CLI::PositiveNumber);
  auto* approve = wait->add_option("--approve-with", settings->approve_with,
                                   "approve every request with this number, without asking")
                      ->check(CLI::Range(0, 999999));
  auto* deny = wait->add_flag("--deny", settings->deny, "deny every request, without asking");
  approve->excludes(deny);
  wait->add_flag("--report", settings->report, "with --deny: also report it as suspicious")
      ->needs(deny);
  add_store(wait);
  on_run(wait, &Wait);
}

}  // namespace secinfo::cli
