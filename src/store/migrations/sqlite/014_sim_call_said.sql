-- A call may say more after its opening prompt (VoiceChannel::Say: "You reported fraud... press 1
-- to confirm"); the simulated phone shows the latest words below the opening prompt, from any node.
ALTER TABLE sim_calls ADD COLUMN said TEXT NOT NULL DEFAULT '';
