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

}  // namespace secinfo::flows
