#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace secinfo::methods::authenticator::test_util {

// Runs a real peer (oathtool, zbarimg) from a test. Test-only: `command` goes to /bin/sh as is.
struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout, with a final newline removed
};

inline CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) result.out.append(buf, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (!result.out.empty() && result.out.back() == '\n') result.out.pop_back();
  return result;
}

inline bool HaveCommand(const std::string& name) {
  return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace secinfo::methods::authenticator::test_util
