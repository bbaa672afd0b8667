-- The texts that carry codes and the network's delivery receipts for them, PostgreSQL dialect (the
-- other dialect's file is the same). Each node has its own SMPP bind and the SMSC may send a
-- receipt on any of them, so the receipt goes through the database to the node that serves the
-- person's page. One row per part of a text, keyed by the provider's message id; the receipt may
-- arrive before the sending node recorded the part, so either write may create the row (tenant_id
-- 0 and challenge_id '' until the text is known). No foreign key to code_challenges for that
-- reason; the periodic purge deletes old rows.
CREATE TABLE text_deliveries (
  provider TEXT NOT NULL,
  message_id TEXT NOT NULL,
  tenant_id BIGINT NOT NULL,
  challenge_id TEXT NOT NULL,
  send_number BIGINT NOT NULL,
  parts BIGINT NOT NULL,
  state TEXT NOT NULL,
  error TEXT NOT NULL,
  sent_at BIGINT NOT NULL,
  reported_at BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (provider, message_id)
);
CREATE INDEX text_deliveries_challenge ON text_deliveries (challenge_id);
CREATE INDEX text_deliveries_created ON text_deliveries (created_at);
