-- doorstep store, schema 7: reserves of a stratified sample (`office
-- sample` writes `stratum` and `reserve` columns). The columns are copies
-- of the resident's attributes, kept for the list queries: a reserve stays
-- hidden (`hidden = 1`) until a sampled resident of its community and
-- stratum is refused or finally not reached; then it is released, and the
-- release (with the resident it replaces) is recorded here. Lists without
-- a `stratum` column have NULL / 0 / 0 and behave as before.
ALTER TABLE residents ADD COLUMN stratum TEXT;
ALTER TABLE residents ADD COLUMN reserve INTEGER NOT NULL DEFAULT 0;
ALTER TABLE residents ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1));
CREATE INDEX residents_hidden ON residents (community, stratum) WHERE hidden = 1;

CREATE TABLE reserve_releases (
    resident_id TEXT PRIMARY KEY REFERENCES residents (resident_id),
    replaces    TEXT NOT NULL UNIQUE REFERENCES residents (resident_id),
    community   TEXT NOT NULL,
    stratum     TEXT NOT NULL,
    released_at TEXT NOT NULL
) STRICT;
