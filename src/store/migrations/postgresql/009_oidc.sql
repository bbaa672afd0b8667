-- The OpenID Connect provider, PostgreSQL dialect (conventions: see 001_initial.sql). Portable SQL:
-- the PostgreSQL file is the same. Secrets are never stored as given: client secrets, codes and
-- tokens as SHA-256, private keys sealed with the master key.

-- Lists are stored one item a line.
CREATE TABLE oidc_clients (
  id TEXT PRIMARY KEY,
  tenant_id BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  redirect_uris TEXT NOT NULL,
  post_logout_redirect_uris TEXT NOT NULL,
  scopes TEXT NOT NULL,
  is_public INTEGER NOT NULL,
  third_party INTEGER NOT NULL,
  id_token_alg TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX oidc_clients_tenant ON oidc_clients (tenant_id);

CREATE TABLE oidc_signing_keys (
  kid TEXT PRIMARY KEY,
  alg TEXT NOT NULL,
  sealed_private_key TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  retired_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);

-- Codes and tokens carry their grant: what one sign-in gave one client.
CREATE TABLE oidc_codes (
  code_hash TEXT PRIMARY KEY,
  grant_id TEXT NOT NULL,
  client_id TEXT NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
  tenant_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  nonce TEXT NOT NULL,
  session_hash TEXT NOT NULL,
  auth_time BIGINT NOT NULL,
  amr TEXT NOT NULL,
  acr TEXT NOT NULL,
  redirect_uri TEXT NOT NULL,
  code_challenge TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT NOT NULL
);
CREATE INDEX oidc_codes_expires ON oidc_codes (expires_at);

CREATE TABLE oidc_tokens (
  token_hash TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  grant_id TEXT NOT NULL,
  client_id TEXT NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
  tenant_id BIGINT NOT NULL,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  nonce TEXT NOT NULL,
  session_hash TEXT NOT NULL,
  auth_time BIGINT NOT NULL,
  amr TEXT NOT NULL,
  acr TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT NOT NULL,
  revoked INTEGER NOT NULL
);
CREATE INDEX oidc_tokens_grant ON oidc_tokens (grant_id);
CREATE INDEX oidc_tokens_expires ON oidc_tokens (expires_at);

CREATE TABLE oidc_consents (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  client_id TEXT NOT NULL REFERENCES oidc_clients (id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  granted_at BIGINT NOT NULL,
  PRIMARY KEY (user_id, client_id)
);
