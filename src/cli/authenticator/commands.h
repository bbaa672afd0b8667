#pragma once

#include <CLI/CLI.hpp>

namespace secinfo::cli {

// Declares `authenticator` and its commands (enrol, list, codes, wait) on `app`: the companion
// that plays the person's authenticator app on this device, for push approval with number
// matching. A command runs when its parse completes and then ends the parse by throwing
// CLI::RuntimeError(exit code), which CLI11_PARSE turns into main's return value without printing
// anything; so main needs no other line, and never reaches its server configuration.
// Exit codes: 0 done, 1 error; `wait` adds 2 (answer not accepted) and 3 (nothing came in time).
void AddAuthenticatorCommands(CLI::App& app);

}  // namespace secinfo::cli
