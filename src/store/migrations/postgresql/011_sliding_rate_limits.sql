-- Rate limits count over a sliding window, PostgreSQL dialect (conventions: see 001_initial.sql).
-- A counter keeps the count of the window before its current one, so that a burst at the end of
-- one window and another at the start of the next are held to about the limit together (the
-- two-window approximation). It also keeps its window's length, so that retention deletes it only
-- once neither its window nor the next (where it still weighs) can count anything.
ALTER TABLE rate_limits ADD COLUMN previous_count BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rate_limits ADD COLUMN window_millis BIGINT NOT NULL DEFAULT 0;
-- Counters written before this knew no length: they are given a day, the longest window secinfo
-- counts in by default, so that retention keeps them long enough whatever they count.
UPDATE rate_limits SET window_millis = 86400000;
