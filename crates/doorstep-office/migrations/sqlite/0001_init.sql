-- The office store, version 1: register, keys, batches, interviews,
-- decisions, quarantine. Idempotency lives in the keys below, not in the
-- application: a second copy of a batch cannot be inserted.

CREATE TABLE register_loads (
    load_id     INTEGER PRIMARY KEY,
    loaded_on   TEXT NOT NULL,          -- the date the list is valid from (YYYY-MM-DD)
    loaded_at   TEXT NOT NULL,          -- when it was loaded (RFC 3339, UTC)
    file        TEXT NOT NULL,
    sha256      TEXT NOT NULL,
    rows        INTEGER NOT NULL,
    moved_in    INTEGER NOT NULL,
    moved_out   INTEGER NOT NULL,
    changed     INTEGER NOT NULL,
    unchanged   INTEGER NOT NULL
);

-- A resident's current contact details (what the surveyor needs at the door).
CREATE TABLE residents (
    resident_id TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    grid        TEXT,
    building    TEXT,
    unit        TEXT,
    room        TEXT,
    phone       TEXT
) WITHOUT ROWID;

-- Where a resident lived and in which strata, from one date to another:
-- the register as of any date is the periods open on that date, so a past
-- quarter's sample frame can be rebuilt. valid_to is NULL while current.
CREATE TABLE resident_periods (
    period_id   INTEGER PRIMARY KEY,
    resident_id TEXT NOT NULL REFERENCES residents(resident_id),
    community   TEXT NOT NULL,
    street      TEXT,
    district    TEXT,
    attributes  TEXT NOT NULL,          -- JSON object of the other columns
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    load_from   INTEGER NOT NULL REFERENCES register_loads(load_id),
    load_to     INTEGER REFERENCES register_loads(load_id)
);
CREATE UNIQUE INDEX resident_periods_open ON resident_periods(resident_id) WHERE valid_to IS NULL;
CREATE INDEX resident_periods_community ON resident_periods(community, valid_from);

-- Public keys the office trusts (surveyors' and supervisors').
CREATE TABLE keys (
    key_id       TEXT PRIMARY KEY,      -- minisign key id, hex
    owner_id     TEXT NOT NULL,         -- surveyor or supervisor id
    public_key   TEXT NOT NULL,         -- the .pub file text
    added_at     TEXT NOT NULL,
    revoked_from TEXT,                  -- batches created on or after this instant are refused
    revoked_at   TEXT
) WITHOUT ROWID;

CREATE TABLE batches (
    batch_id    TEXT PRIMARY KEY,
    sha256      TEXT NOT NULL,
    surveyor_id TEXT NOT NULL,
    device_id   TEXT NOT NULL,
    sequence    INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    file        TEXT NOT NULL,
    visits      INTEGER NOT NULL,
    interviews  INTEGER NOT NULL,
    ingested_at TEXT NOT NULL,
    UNIQUE (device_id, sequence)
) WITHOUT ROWID;
-- Two batches cannot hold the same bytes (the batch id is inside): a file
-- whose hash is here is already in.
CREATE INDEX batches_sha256 ON batches(sha256);

CREATE TABLE interviews (
    interview_id  TEXT PRIMARY KEY,
    batch_id      TEXT NOT NULL REFERENCES batches(batch_id),
    content_sha256 TEXT NOT NULL,
    channel       TEXT NOT NULL CHECK (channel IN ('home_visit', 'online', 'phone')),
    resident_id   TEXT NOT NULL,
    community     TEXT,
    surveyor_id   TEXT NOT NULL,
    device_id     TEXT NOT NULL,
    questionnaire_id TEXT NOT NULL,
    questionnaire_version TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    ended_at      TEXT,
    status        TEXT NOT NULL,
    disposition   TEXT NOT NULL,
    answers       TEXT NOT NULL,        -- JSON object, keyed as in the batch
    notes         TEXT,                 -- JSON object or NULL
    paradata      TEXT NOT NULL         -- JSON array
) WITHOUT ROWID;
CREATE INDEX interviews_batch ON interviews(batch_id);
CREATE INDEX interviews_resident ON interviews(resident_id);

-- A reopened interview's copy replaces the one it names, whichever
-- arrives first.
CREATE TABLE supersessions (
    interview_id  TEXT PRIMARY KEY,     -- the replaced one
    superseded_by TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE visits (
    visit_id     TEXT PRIMARY KEY,
    batch_id     TEXT NOT NULL REFERENCES batches(batch_id),
    resident_id  TEXT NOT NULL,
    community    TEXT,
    attempt      INTEGER NOT NULL,
    at           TEXT NOT NULL,
    disposition  TEXT NOT NULL,
    interview_id TEXT
) WITHOUT ROWID;
CREATE INDEX visits_batch ON visits(batch_id);

CREATE TABLE decision_files (
    sha256        TEXT PRIMARY KEY,
    file          TEXT NOT NULL,
    supervisor_id TEXT NOT NULL,
    date          TEXT NOT NULL,
    ingested_at   TEXT NOT NULL
) WITHOUT ROWID;

-- Every signed decision ever received; the latest per interview wins.
CREATE TABLE decisions (
    interview_id  TEXT NOT NULL,
    decided_at    TEXT NOT NULL,
    supervisor_id TEXT NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
    comment       TEXT,
    file_sha256   TEXT NOT NULL REFERENCES decision_files(sha256),
    PRIMARY KEY (interview_id, decided_at, supervisor_id)
) WITHOUT ROWID;

-- What was refused, and why; one row per file and kind of problem.
CREATE TABLE quarantine (
    quarantine_id INTEGER PRIMARY KEY,
    file          TEXT NOT NULL,
    kind          TEXT NOT NULL,        -- tampered, truncated, conflict, unknown_key, revoked_key, ...
    batch_id      TEXT,
    sha256        TEXT NOT NULL DEFAULT '',
    reason        TEXT NOT NULL,
    first_seen    TEXT NOT NULL,
    UNIQUE (file, kind, sha256)
);

-- The latest decision on each interview.
CREATE VIEW latest_decisions AS
SELECT interview_id, decision, decided_at, supervisor_id
FROM (SELECT d.*, ROW_NUMBER() OVER (PARTITION BY interview_id
                                     ORDER BY decided_at DESC, supervisor_id DESC) AS rn
      FROM decisions d)
WHERE rn = 1;
