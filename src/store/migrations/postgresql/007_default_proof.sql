-- How the default sign-in method proves the person, PostgreSQL dialect (conventions: see
-- 001_initial.sql). A mobile phone can be called or texted: the person chooses which the sign-in
-- starts with ("call", "sms", "push", ...). '' means the method's first proof.
ALTER TABLE users ADD COLUMN default_proof TEXT NOT NULL DEFAULT '';
