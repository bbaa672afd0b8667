-- Tenants' own recorded greetings, PostgreSQL dialect (conventions: see 001_initial.sql).
-- The audio is what a call plays, already converted: raw 8 kHz mono G.711 u-law, at most 20 s
-- (160,000 bytes), so it is kept in the row rather than in files a second node would not have.

CREATE TABLE tenant_greetings (
  tenant_id BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  locale TEXT NOT NULL,
  audio BYTEA NOT NULL,
  duration_ms BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, locale)
);

-- The simulated phone says when a call plays a greeting instead of speaking its prompt.
ALTER TABLE sim_calls ADD COLUMN custom_greeting INTEGER NOT NULL DEFAULT 0;
