-- Version 5: every scoring run, with the settings that made it, so a
-- published ranking can be reproduced.
CREATE TABLE scoring_runs (
    run_id        INTEGER PRIMARY KEY,
    run_at        TEXT NOT NULL,
    period        TEXT NOT NULL,
    settings_hash TEXT NOT NULL,
    settings      TEXT NOT NULL,        -- JSON
    counting      TEXT NOT NULL,
    interviews    INTEGER NOT NULL,
    figures       INTEGER NOT NULL
);
