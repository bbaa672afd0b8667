#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

// Running the command-line tools secinfo relies on (espeak-ng, sox) safely: with an argument
// vector, never through a shell, so no byte of data can become a command or an option.
namespace secinfo {

// Runs `argv` (argv[0] an absolute path) with stdin and stdout on /dev/null and stderr kept, waits
// at most `timeout_ms`, and returns OK on exit status 0. Internal otherwise, with the tool's name,
// its exit status or signal and the first line(s) of its stderr. Thread-safe.
Status RunTool(const std::vector<std::string>& argv, int64_t timeout_ms);

// The absolute path of `name` (looked up on PATH unless it contains a '/'), or empty when it is
// not an executable file.
std::string FindExecutable(const std::string& name);

}  // namespace secinfo
