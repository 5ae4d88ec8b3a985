-- Version 6: respondents of online (and phone-centre) exports, imported by
-- `office import-online`. The key makes the import idempotent by
-- respondent: a respondent of a channel and quarter is imported once; the
-- interview holds the answers (channel set), this row where they came from.
CREATE TABLE online_respondents (
    channel       TEXT COLLATE "C" NOT NULL CHECK (channel IN ('online', 'phone')),
    quarter       TEXT COLLATE "C" NOT NULL,
    respondent_id TEXT COLLATE "C" NOT NULL,
    interview_id  TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES interviews(interview_id),
    file          TEXT COLLATE "C" NOT NULL,
    file_sha256   TEXT COLLATE "C" NOT NULL,
    row_number    BIGINT NOT NULL,
    imported_at   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (channel, quarter, respondent_id)
);
