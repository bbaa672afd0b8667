-- Passwords, PostgreSQL dialect (conventions: see 001_initial.sql).

-- Set by an administrator's reset with a temporary password: the person must choose a new
-- password right after signing in, before anything else.
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;

-- Each tenant's own banned words (as Entra ID's custom banned password list). `folded` is the
-- word's NFKC case-folded form, so "Lutèce" and "LUTÈCE" are one entry; `word` is as typed.
CREATE TABLE tenant_banned_words (
  tenant_id BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  folded TEXT NOT NULL,
  word TEXT NOT NULL,
  PRIMARY KEY (tenant_id, folded)
);
