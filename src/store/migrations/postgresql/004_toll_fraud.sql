-- A tenant's defences against toll fraud and SMS pumping, PostgreSQL dialect (conventions: see
-- 001_initial.sql). Lists are stored one item a line; an empty country list allows every country.
CREATE TABLE tenant_toll_fraud (
  tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  countries TEXT NOT NULL,
  refused_types TEXT NOT NULL,
  per_user_hour BIGINT NOT NULL,
  per_ip_hour BIGINT NOT NULL,
  per_tenant_hour BIGINT NOT NULL,
  per_country_hour BIGINT NOT NULL
);
