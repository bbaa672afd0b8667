-- Two-step verification at sign-in, PostgreSQL dialect (conventions: see 001_initial.sql).

-- What a session has proven beyond the password, and where it came from (shown in the list of
-- signed-in browsers).
ALTER TABLE sessions ADD COLUMN amr TEXT NOT NULL DEFAULT 'pwd';
ALTER TABLE sessions ADD COLUMN second_factor_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN second_step TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN client_ip TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';

-- Lists are stored one item a line.
CREATE TABLE tenant_sign_in_policy (
  tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  mfa TEXT NOT NULL,
  mfa_listed TEXT NOT NULL,
  remember_days BIGINT NOT NULL,
  max_skips BIGINT NOT NULL,
  fraud_alert INTEGER NOT NULL,
  fraud_block INTEGER NOT NULL,
  notify TEXT NOT NULL
);

-- How often a person skipped registering a method when sign-in asked for one.
ALTER TABLE users ADD COLUMN registration_skips BIGINT NOT NULL DEFAULT 0;

CREATE TABLE remembered_browsers (
  id_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  client_ip TEXT NOT NULL,
  user_agent TEXT NOT NULL
);
CREATE INDEX remembered_browsers_user ON remembered_browsers (user_id);

CREATE TABLE verification_failures (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  failures BIGINT NOT NULL,
  locked_until BIGINT NOT NULL
);

CREATE TABLE verification_blocks (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  tenant_id BIGINT NOT NULL,
  blocked_at BIGINT NOT NULL,
  blocked_until BIGINT NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX verification_blocks_tenant ON verification_blocks (tenant_id);

-- One use of security info to prove who someone is, bound to the session (or reset) it serves.
-- The proof itself (a call, a code, a push request) keeps its own record; this one says what it
-- was for and whether its success was used.
CREATE TABLE verifications (
  id TEXT PRIMARY KEY,
  tenant_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  binding TEXT NOT NULL,
  purpose TEXT NOT NULL,
  method_id BIGINT NOT NULL,
  proof TEXT NOT NULL,
  challenge_id TEXT NOT NULL,
  state TEXT NOT NULL,
  client_ip TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  version BIGINT NOT NULL
);
CREATE INDEX verifications_user ON verifications (user_id);
CREATE INDEX verifications_challenge ON verifications (challenge_id);

-- A call whose tenant blocks people on fraud reports asks for 1 to confirm "0#".
ALTER TABLE call_attempts ADD COLUMN fraud_confirm INTEGER NOT NULL DEFAULT 0;
