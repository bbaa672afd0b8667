-- Signed device polls already used, PostgreSQL dialect (conventions: see 001_initial.sql). A poll's
-- signature covers the device and its time; remembering the pair makes a captured poll URL
-- useless. Rows are forgotten once their time is outside the accepted clock skew.
CREATE TABLE push_poll_signatures (
  device_id TEXT NOT NULL,
  ts BIGINT NOT NULL,
  PRIMARY KEY (device_id, ts)
);
CREATE INDEX push_poll_signatures_ts ON push_poll_signatures (ts);
