-- Version 6: respondents of online (and phone-centre) exports, imported by
-- `office import-online`. The key makes the import idempotent by
-- respondent: a respondent of a channel and quarter is imported once; the
-- interview holds the answers (channel set), this row where they came from.
CREATE TABLE online_respondents (
    channel       TEXT NOT NULL CHECK (channel IN ('online', 'phone')),
    quarter       TEXT NOT NULL,
    respondent_id TEXT NOT NULL,
    interview_id  TEXT NOT NULL UNIQUE REFERENCES interviews(interview_id),
    file          TEXT NOT NULL,
    file_sha256   TEXT NOT NULL,
    row_number    INTEGER NOT NULL,
    imported_at   TEXT NOT NULL,
    PRIMARY KEY (channel, quarter, respondent_id)
) WITHOUT ROWID;
