-- Each kind of method keeps its own fields: one record (data, a JSON object that only the kind's
-- folder src/methods/<kind>/ reads and writes) instead of columns whose meaning changed with the
-- kind. What every kind may have stays a column: a sealed secret, and the one-time counter (an
-- app's last TOTP step). A new kind then needs no migration.
ALTER TABLE methods ADD COLUMN data TEXT NOT NULL DEFAULT '{}';
ALTER TABLE methods ADD COLUMN counter BIGINT NOT NULL DEFAULT 0;
UPDATE methods SET counter = last_used_step, data = CASE kind
  WHEN 'phone' THEN json_object('type', phone_type, 'number', phone_e164)
  WHEN 'email' THEN json_object('address', email)
  WHEN 'authenticator' THEN json_object('name', name, 'public_key', public_key,
                                        'device_id', device_id)
  ELSE '{}' END;

-- What a person may register once, as each kind declares it, instead of partial unique indexes
-- on kind: one phone per type, a number once, one email address, one set of questions. A bound
-- device's key is how push requests find their app, across people (method_keys_key).
CREATE TABLE method_keys (
  method_id BIGINT NOT NULL REFERENCES methods (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL,
  key TEXT NOT NULL,
  PRIMARY KEY (user_id, key)
);
CREATE INDEX method_keys_method ON method_keys (method_id);
CREATE INDEX method_keys_key ON method_keys (key, method_id);
INSERT INTO method_keys (method_id, user_id, key)
  SELECT id, user_id, 'phone_type:' || phone_type FROM methods WHERE kind = 'phone';
INSERT INTO method_keys (method_id, user_id, key)
  SELECT id, user_id, 'number:' || phone_e164 FROM methods WHERE kind = 'phone' AND phone_e164 <> '';
INSERT INTO method_keys (method_id, user_id, key)
  SELECT id, user_id, 'email' FROM methods WHERE kind = 'email';
INSERT INTO method_keys (method_id, user_id, key)
  SELECT id, user_id, 'questions' FROM methods WHERE kind = 'questions';
INSERT INTO method_keys (method_id, user_id, key)
  SELECT id, user_id, 'device:' || device_id FROM methods
  WHERE kind = 'authenticator' AND device_id <> '';

DROP INDEX methods_user_phone_type;
DROP INDEX methods_user_phone;
DROP INDEX methods_user_email;
DROP INDEX methods_user_questions;
DROP INDEX methods_device;
ALTER TABLE methods DROP COLUMN phone_type;
ALTER TABLE methods DROP COLUMN phone_e164;
ALTER TABLE methods DROP COLUMN email;
ALTER TABLE methods DROP COLUMN name;
ALTER TABLE methods DROP COLUMN public_key;
ALTER TABLE methods DROP COLUMN device_id;
ALTER TABLE methods DROP COLUMN last_used_step;
