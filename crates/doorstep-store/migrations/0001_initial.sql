-- doorstep store, schema 1. Applied in one transaction by src/store/schema.rs.
-- Times are UTC RFC 3339 text with microseconds ("2026-11-02T09:30:00.000000Z"),
-- so they sort as text and read well in the sqlite3 shell.

-- Facts about this data directory (device_id, created_at).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Every questionnaire an interview was taken with, with its full source,
-- so an interview can always be read against the exact text it used.
CREATE TABLE questionnaires (
    id            TEXT NOT NULL,
    version       TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    source        TEXT NOT NULL,
    registered_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
) STRICT;

-- The assignment. Never deleted: visits and interviews point here.
-- status/appointment are copies of what the visits and interviews say,
-- kept in the same transaction as the change, so lists filter and sort
-- through an index instead of replaying history.
CREATE TABLE residents (
    resident_id TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    community   TEXT,
    grid        TEXT,
    building    TEXT,
    unit        TEXT,
    room        TEXT,
    phone       TEXT,
    attributes  TEXT NOT NULL DEFAULT '{}',   -- JSON object, sorted keys
    walk_key    TEXT NOT NULL,                -- walking order, computed in Rust
    status      TEXT NOT NULL DEFAULT 'to_visit',
    appointment TEXT,                         -- pending appointment (local time)
    imported_at TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX residents_walk ON residents (walk_key, resident_id);
CREATE INDEX residents_status_walk ON residents (status, walk_key, resident_id);

CREATE TABLE interviews (
    id                    TEXT PRIMARY KEY,   -- UUID v7, hyphenated
    resident_id           TEXT NOT NULL REFERENCES residents (resident_id),
    questionnaire_id      TEXT NOT NULL,
    questionnaire_version TEXT NOT NULL,
    questionnaire_hash    TEXT NOT NULL,
    surveyor_id           TEXT NOT NULL,
    device_id             TEXT NOT NULL,
    started_at            TEXT NOT NULL,
    ended_at              TEXT,
    status                TEXT NOT NULL
        CHECK (status IN ('in_progress', 'completed', 'abandoned')),
    disposition           TEXT,
    -- Where the surveyor stood: kind 'question' (position_id = question id,
    -- position_instance = repeat instance or NULL) or 'add_another'
    -- (position_id = repeat section id); NULL = before the start / at review.
    position_kind         TEXT CHECK (position_kind IN ('question', 'add_another')),
    position_id           TEXT,
    position_instance     INTEGER,
    exported_batch        TEXT,
    FOREIGN KEY (questionnaire_id, questionnaire_version)
        REFERENCES questionnaires (id, version)
) STRICT;
CREATE INDEX interviews_resident ON interviews (resident_id, status);
CREATE INDEX interviews_status ON interviews (status, exported_batch);

CREATE TABLE visits (
    id             INTEGER PRIMARY KEY,
    resident_id    TEXT NOT NULL REFERENCES residents (resident_id),
    attempt        INTEGER NOT NULL,          -- 1, 2, ... per resident
    at             TEXT NOT NULL,
    disposition    TEXT NOT NULL,
    note           TEXT,
    appointment    TEXT,                      -- agreed time, local
    interview_id   TEXT REFERENCES interviews (id),
    device_id      TEXT NOT NULL,
    exported_batch TEXT,
    UNIQUE (resident_id, attempt)
) STRICT;
CREATE INDEX visits_interview ON visits (interview_id);
CREATE INDEX visits_export ON visits (exported_batch);

-- Every save and clear, appended, never updated: the audit trail of changed
-- answers, and the durable record behind each id save_answer returns.
-- instance is -1 outside repeats (so the unique key below works: NULLs
-- never collide in SQLite's UNIQUE).
CREATE TABLE answer_history (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,  -- ids never reused
    interview_id TEXT NOT NULL REFERENCES interviews (id),
    question_id  TEXT NOT NULL,
    instance     INTEGER NOT NULL,
    answer       TEXT,                               -- JSON; NULL = cleared
    at           TEXT NOT NULL
) STRICT;
CREATE INDEX answer_history_interview ON answer_history (interview_id, id);

-- The current answer of each question of each interview.
CREATE TABLE answers (
    interview_id TEXT NOT NULL REFERENCES interviews (id),
    question_id  TEXT NOT NULL,
    instance     INTEGER NOT NULL,
    answer       TEXT NOT NULL,
    history_id   INTEGER NOT NULL REFERENCES answer_history (id),
    PRIMARY KEY (interview_id, question_id, instance)
) STRICT, WITHOUT ROWID;

-- Repeat instances added through "add another?".
CREATE TABLE added_instances (
    interview_id TEXT NOT NULL REFERENCES interviews (id),
    section_id   TEXT NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (interview_id, section_id)
) STRICT, WITHOUT ROWID;

-- Paradata, appended in order.
CREATE TABLE events (
    id           INTEGER PRIMARY KEY,
    interview_id TEXT NOT NULL REFERENCES interviews (id),
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL,
    question_id  TEXT,
    instance     INTEGER,
    detail       TEXT
) STRICT;
CREATE INDEX events_interview ON events (interview_id, id);
