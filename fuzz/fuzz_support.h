#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

// A property a fuzz target states about the code under test. When it does not hold, the input is
// a finding like a crash: libFuzzer keeps it as a crash file (abort) and says where.
#define FUZZ_CHECK(cond)                                                                      \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "%s:%d: property does not hold: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)

namespace secinfo::fuzz {

// Inputs made of several texts are one text per line: the seeds stay readable. Returns the first
// line of `rest` (without its '\n') and removes it from `rest`; the last line may lack a '\n'.
inline std::string_view NextLine(std::string_view& rest) {
  const size_t newline = rest.find('\n');
  const std::string_view line = rest.substr(0, newline);
  rest = newline == std::string_view::npos ? "" : rest.substr(newline + 1);
  return line;
}

}  // namespace secinfo::fuzz
