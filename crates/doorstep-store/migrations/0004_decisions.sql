-- doorstep store, schema 4: supervisor review.
-- On the supervisor's store: the decision on each interview reviewed (the
-- latest decision replaces an earlier one on the same interview).
CREATE TABLE review_decisions (
    interview_id  TEXT PRIMARY KEY,
    batch_id      TEXT NOT NULL,
    surveyor_id   TEXT NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
    comment       TEXT,
    decided_at    TEXT NOT NULL,
    supervisor_id TEXT NOT NULL
) STRICT;
-- On the surveyor's store: an interview the supervisor rejected is never
-- changed (its batch must stay reproducible byte for byte); a copy of it is
-- opened instead, and this table ties the copy to the original and keeps
-- the supervisor's comment for the resident list.
CREATE TABLE reopened_interviews (
    interview_id  TEXT PRIMARY KEY REFERENCES interviews (id),  -- the copy
    original_id   TEXT NOT NULL UNIQUE REFERENCES interviews (id),
    resident_id   TEXT NOT NULL REFERENCES residents (resident_id),
    supervisor_id TEXT NOT NULL,
    comment       TEXT,
    decided_at    TEXT NOT NULL,
    reopened_at   TEXT NOT NULL
) STRICT;
CREATE INDEX reopened_resident ON reopened_interviews (resident_id, reopened_at);
