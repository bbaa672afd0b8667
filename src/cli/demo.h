#pragma once

#include <string>

#include "core/clock.h"
#include "core/random.h"
#include "core/status.h"
#include "store/store.h"

namespace secinfo::cli {

// Creates the Contoso demo tenant and its people when the database has no tenant yet, with random
// passwords kept in `credentials_path` (mode 0600) so that each start can print them again.
// Prints the sign-in details either way. Only for the embedded, non-production set-up.
Status EnsureDemoTenant(store::Store& store, Random& random, const Clock& clock,
                        const std::string& credentials_path, const std::string& public_url);

// Creates a user after checking the name and the password against the one password rule
// (policy/password_rules.h). InvalidArgument with a message for the operator (the rule's refusal
// in English).
Result<int64_t> CreateUser(store::Store& store, const Clock& clock, const std::string& username,
                           const std::string& display_name, const std::string& password,
                           const std::string& locale, bool is_admin);

}  // namespace secinfo::cli
