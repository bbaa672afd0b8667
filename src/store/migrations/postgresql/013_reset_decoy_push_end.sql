-- A decoy's "approve a notification" ends when a real request left unanswered would (its minute
-- over), so its page and status answer change at the same moment as a real one's. 0: no decoy
-- push under way.
ALTER TABLE password_resets ADD COLUMN push_ends_at BIGINT NOT NULL DEFAULT 0;
