-- The initial secinfo schema, SQLite dialect.
-- Conventions shared with the PostgreSQL files: BIGINT for integers and Unix-millisecond times, TEXT
-- for strings, INTEGER 0/1 for booleans, NULL only where the record has an optional field.
-- Surrogate keys are "INTEGER PRIMARY KEY AUTOINCREMENT": in SQLite only the exact type INTEGER makes
-- the column the rowid (BIGINT would not auto-assign), and AUTOINCREMENT never reuses an id, like a
-- PostgreSQL identity column.
-- The runner splits this file at ';' and runs it in one transaction: no BEGIN/COMMIT, no triggers.

CREATE TABLE tenants (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  domain TEXT NOT NULL UNIQUE,
  default_locale TEXT NOT NULL,
  default_region TEXT NOT NULL
);

CREATE TABLE tenant_method_switches (
  tenant_id BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  method TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  mfa INTEGER NOT NULL DEFAULT 1,
  sspr INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (tenant_id, method)
);

-- default_method_id refers to methods, created below: SQLite resolves foreign keys when rows change.
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id BIGINT NOT NULL REFERENCES tenants (id),
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  locale TEXT NOT NULL,
  default_method_id BIGINT REFERENCES methods (id) ON DELETE SET NULL,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE INDEX users_tenant ON users (tenant_id);
CREATE INDEX users_default_method ON users (default_method_id);

-- One user cannot register the same kind and phone type twice, nor the same number twice.
CREATE TABLE methods (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  phone_type TEXT NOT NULL,
  phone_e164 TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL DEFAULT '',
  secret TEXT NOT NULL DEFAULT '',
  public_key TEXT NOT NULL DEFAULT '',
  device_id TEXT NOT NULL DEFAULT '',
  last_used_step BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
-- One phone of each type, a number once, one email address, one set of questions per person;
-- several authenticator apps.
CREATE UNIQUE INDEX methods_user_phone_type ON methods (user_id, phone_type) WHERE kind = 'phone';
CREATE UNIQUE INDEX methods_user_phone ON methods (user_id, phone_e164) WHERE phone_e164 <> '';
CREATE UNIQUE INDEX methods_user_email ON methods (user_id) WHERE kind = 'email';
CREATE UNIQUE INDEX methods_user_questions ON methods (user_id) WHERE kind = 'questions';

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant_id BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE call_attempts (
  id TEXT PRIMARY KEY,
  tenant_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL,
  phone_e164 TEXT NOT NULL,
  phone_type TEXT NOT NULL,
  extension_removed INTEGER NOT NULL,
  locale TEXT NOT NULL,
  state TEXT NOT NULL,
  provider TEXT NOT NULL,
  provider_call_id TEXT NOT NULL,
  digits TEXT NOT NULL,
  client_ip TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  ringing_at BIGINT NOT NULL,
  answered_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL,
  method_id BIGINT REFERENCES methods (id) ON DELETE SET NULL,
  replaces_method_id BIGINT,
  version BIGINT NOT NULL
);
CREATE INDEX call_attempts_provider_call ON call_attempts (provider, provider_call_id);
CREATE INDEX call_attempts_user ON call_attempts (user_id);
CREATE INDEX call_attempts_method ON call_attempts (method_id);

CREATE TABLE sim_calls (
  id TEXT PRIMARY KEY,
  number_e164 TEXT NOT NULL,
  caller TEXT NOT NULL,
  locale TEXT NOT NULL,
  prompt TEXT NOT NULL,
  state TEXT NOT NULL,
  digits TEXT NOT NULL,
  end_reason TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  answered_at BIGINT NOT NULL,
  ended_at BIGINT NOT NULL
);
CREATE INDEX sim_calls_number ON sim_calls (number_e164, created_at);
CREATE INDEX sim_calls_created ON sim_calls (created_at);

-- No foreign keys: the log outlives the tenants and users it mentions.
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at BIGINT NOT NULL,
  tenant_id BIGINT,
  user_id BIGINT,
  actor TEXT NOT NULL,
  ip TEXT NOT NULL,
  action TEXT NOT NULL,
  method TEXT NOT NULL,
  result TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX audit_log_tenant_at ON audit_log (tenant_id, at);

CREATE TABLE rate_limits (
  key TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  count BIGINT NOT NULL
);

CREATE TABLE code_challenges (
  id TEXT PRIMARY KEY,
  tenant_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL,
  channel TEXT NOT NULL,
  destination TEXT NOT NULL,
  method_kind TEXT NOT NULL,
  phone_type TEXT NOT NULL,
  extension_removed INTEGER NOT NULL,
  replaces_method_id BIGINT,
  locale TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  state TEXT NOT NULL,
  failed_attempts BIGINT NOT NULL,
  sends BIGINT NOT NULL,
  last_sent_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  client_ip TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  method_id BIGINT REFERENCES methods (id) ON DELETE SET NULL,
  version BIGINT NOT NULL
);
CREATE INDEX code_challenges_user ON code_challenges (user_id);

CREATE TABLE sim_messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  sender TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  html TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX sim_messages_recipient ON sim_messages (channel, recipient, created_at);

CREATE TABLE app_enrolments (
  id TEXT PRIMARY KEY,
  tenant_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  secret TEXT NOT NULL,
  state TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  client_ip TEXT NOT NULL,
  method_id BIGINT REFERENCES methods (id) ON DELETE SET NULL,
  version BIGINT NOT NULL
);
CREATE INDEX app_enrolments_user ON app_enrolments (user_id);

CREATE TABLE tenant_question_settings (
  tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  to_register BIGINT NOT NULL,
  to_reset BIGINT NOT NULL
);

CREATE TABLE tenant_custom_questions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant_id BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX tenant_custom_questions_tenant ON tenant_custom_questions (tenant_id);

CREATE TABLE question_answers (
  method_id BIGINT NOT NULL REFERENCES methods (id) ON DELETE CASCADE,
  position BIGINT NOT NULL,
  question_id TEXT NOT NULL,
  answer_hash TEXT NOT NULL,
  PRIMARY KEY (method_id, position)
);

CREATE INDEX methods_device ON methods (device_id) WHERE device_id <> '';

CREATE TABLE push_enrol_tokens (
  token_hash TEXT PRIMARY KEY,
  tenant_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  method_id BIGINT NOT NULL REFERENCES methods (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used INTEGER NOT NULL
);

CREATE TABLE push_challenges (
  id TEXT PRIMARY KEY,
  tenant_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  method_id BIGINT NOT NULL REFERENCES methods (id) ON DELETE CASCADE,
  number BIGINT NOT NULL,
  purpose TEXT NOT NULL,
  state TEXT NOT NULL,
  reported INTEGER NOT NULL,
  client_ip TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  version BIGINT NOT NULL
);
CREATE INDEX push_challenges_method ON push_challenges (method_id, state);
