#include "flows/audit.h"

#include <spdlog/spdlog.h>

namespace secinfo::flows {

void RecordAudit(store::Store& store, const Clock& clock, const AuditFacts& facts) {
  store::AuditEntry e;
  e.at = clock.NowMillis();
  e.tenant_id = facts.tenant_id;
  if (!facts.actor.empty()) {
    e.actor = facts.actor;
    if (facts.user_id != 0) e.user_id = facts.user_id;
  } else if (!facts.user_name.empty()) {
    e.user_id = facts.user_id;
    e.actor = facts.user_name;
  } else {
    e.user_id = facts.user_id;
    auto user = store.users().Get(facts.user_id);
    e.actor = user.ok() ? user->username : "user:" + std::to_string(facts.user_id);
  }
  e.ip = facts.ip;
  e.action = facts.action;
  e.method = facts.method;
  e.result = facts.result;
  e.detail = facts.detail;
  if (Status s = store.audit().Append(e); !s.ok()) {
    spdlog::error("audit log write failed: {}", s.ToString());
  }
}

Status ChangeWithAudit(store::Store& store, const std::function<Status()>& change,
                       const std::function<void()>& audit) {
  Status changed;
  Status committed = store.Atomically([&]() -> Status {
    changed = change();
    if (!changed.ok()) return changed;
    audit();
    return Status::Ok();
  });
  if (!changed.ok()) return changed;
  // Whatever broke the commit (a lost connection, a constraint checked at the end), nothing of
  // the change is there: the caller can only say to try again.
  if (!committed.ok()) return Status::Unavailable("not committed: " + committed.ToString());
  return Status::Ok();
}

}  // namespace secinfo::flows
