-- Version 2: each quarter's drawn sample (the latest draw of a quarter).
CREATE TABLE sample_members (
    quarter     TEXT COLLATE "C" NOT NULL,          -- 2026Q4
    resident_id TEXT COLLATE "C" NOT NULL,
    community   TEXT COLLATE "C" NOT NULL,
    stratum     TEXT COLLATE "C" NOT NULL,
    reserve     BIGINT NOT NULL,       -- 0: sampled; 1, 2, ...: reserve in order
    surveyor_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (quarter, resident_id)
);
CREATE INDEX sample_members_community ON sample_members(quarter, community, stratum);
