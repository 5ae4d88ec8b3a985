-- Version 2: each quarter's drawn sample (the latest draw of a quarter).
CREATE TABLE sample_members (
    quarter     TEXT NOT NULL,          -- 2026Q4
    resident_id TEXT NOT NULL,
    community   TEXT NOT NULL,
    stratum     TEXT NOT NULL,
    reserve     INTEGER NOT NULL,       -- 0: sampled; 1, 2, ...: reserve in order
    surveyor_id TEXT NOT NULL,
    PRIMARY KEY (quarter, resident_id)
) WITHOUT ROWID;
CREATE INDEX sample_members_community ON sample_members(quarter, community, stratum);
