-- doorstep store, schema 2: the surveyor's note on a question of an
-- interview (what the resident added, why an answer is odd). The latest
-- note per question is kept; an empty note removes it.
CREATE TABLE question_notes (
    interview_id TEXT NOT NULL REFERENCES interviews (id),
    question_id  TEXT NOT NULL,
    instance     INTEGER NOT NULL,     -- -1 outside repeats
    note         TEXT NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (interview_id, question_id, instance)
) STRICT, WITHOUT ROWID;
