-- Methods are read by their user's id on every page that knows the person (security info, the
-- second step's choices, an app code's check); the partial unique indexes of 001_initial.sql cover
-- only some kinds, so without this one each such read scanned every method of every person
-- (22 ms of CPU per second step with 89,000 methods, against 2 ms with 3,000).
CREATE INDEX methods_user ON methods (user_id, created_at);
