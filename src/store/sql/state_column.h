#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace secinfo::store::sql {

// Reads the text of a `state` column into `out` with the record's Parse...State (store/states.h).
// A text this version does not know (a row written by a newer version, or changed by hand) is
// Internal "unknown state 'x' in <table>", and `out` is left alone: the row is not guessed at, as
// a challenge read as something it is not could be accepted or refused wrongly.
template <typename State>
Status ReadState(std::optional<State> (*parse)(std::string_view), const std::string& text,
                 std::string_view table, State& out) {
  std::optional<State> state = parse(text);
  if (!state) {
    return Status::Internal("unknown state '" + text.substr(0, 40) + "' in " + std::string(table));
  }
  out = *state;
  return Status::Ok();
}

}  // namespace secinfo::store::sql
