-- Self-service password reset, PostgreSQL dialect (conventions: see 001_initial.sql).

-- Each tenant's reset rules (defaults when no row: see store::ResetPolicy).
CREATE TABLE tenant_reset_policy (
  tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  methods_required BIGINT NOT NULL,
  notify_admins INTEGER NOT NULL,
  require_registration INTEGER NOT NULL,
  reconfirm_days BIGINT NOT NULL
);

-- One reset under way, keyed by the SHA-256 of the token in the browser's cookie, so any node can
-- serve any step. A decoy (unknown user, too few methods, blocked or locked) has user_id 0 or its
-- reason in `decoy`: it walks the same pages and never succeeds.
CREATE TABLE password_resets (
  id_hash TEXT PRIMARY KEY,
  tenant_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL,
  username TEXT NOT NULL,
  decoy TEXT NOT NULL,
  steps BIGINT NOT NULL,
  step BIGINT NOT NULL,
  proven_method_id BIGINT NOT NULL,
  offer TEXT NOT NULL,
  verification_id TEXT NOT NULL,
  questions TEXT NOT NULL,
  push_number BIGINT NOT NULL,
  client_ip TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  version BIGINT NOT NULL
);
CREATE INDEX password_resets_expires ON password_resets (expires_at);

-- A reset path (phone checks, emails, ...) locked for a person after too many uses.
CREATE TABLE password_reset_locks (
  lock_key TEXT PRIMARY KEY,
  locked_until BIGINT NOT NULL
);

-- When a person last reviewed their security info ("Looks good"), for re-confirmation.
CREATE TABLE security_info_reviews (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  reviewed_at BIGINT NOT NULL
);
