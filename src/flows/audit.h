#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "core/clock.h"
#include "store/store.h"

namespace secinfo::flows {

// What one audit entry says; the time comes from the clock and the actor, unless named, from the
// user.
struct AuditFacts {
  int64_t tenant_id = 0;
  int64_t user_id = 0;  // 0 with `actor` set: no person acted
  std::string ip;
  std::string action;  // "method_register", "call", "push_answer", ...
  std::string method;  // "phone:mobile", "authenticator", ...
  std::string result;
  std::string detail;  // for operators; never a secret, a code or an answer
  // Who acted when it is not a signed-in person: "admin-cli", "system". Empty: the user.
  std::string actor;
  // The user's name when the caller holds it; empty: read from the store.
  std::string user_name;
};

// Appends the entry, naming the user by their user name unless `facts.actor` names the actor.
// A failed write is logged, not returned: an audit hiccup must not undo what the person just did.
void RecordAudit(store::Store& store, const Clock& clock, const AuditFacts& facts);

// Runs `change` (a change of someone's security info) and, when it succeeded, `audit` (which
// records its entry) in ONE transaction: a crash or a failed commit never keeps a change the audit
// log does not show, nor an entry for a change that was not kept (OWASP ASVS 4.0 V7.1.3, security
// events logged). The entry's own write failing is still only logged (RecordAudit). Returns
// change's status when it failed (nothing kept), else OK, or Unavailable when the transaction
// could not commit (then nothing was kept either: answer only after this returned).
Status ChangeWithAudit(store::Store& store, const std::function<Status()>& change,
                       const std::function<void()>& audit);

}  // namespace secinfo::flows
