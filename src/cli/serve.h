#pragma once

#include "core/config.h"

namespace secinfo::cli {

// `secinfo serve`: builds the chosen providers (a bad setting stops here, before anything is
// written), opens the database, wires the flows and the web application, and serves until SIGINT
// or SIGTERM. Returns the exit status: 0 after a signal, 1 with a message naming the setting when
// start-up is refused.
int Serve(const Config& config);

}  // namespace secinfo::cli
