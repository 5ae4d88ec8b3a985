-- doorstep store, schema 3: the batches this device has exported.
-- A batch is reserved (state 'pending': its sequence number and contents
-- fixed, its rows' exported_batch set) before its files are written, and
-- marked 'written' once they are on disk. A crash in between leaves a
-- pending batch, which the next export writes first, byte for byte the
-- same: sequence numbers never skip and no row goes out twice.
CREATE TABLE batches (
    id          TEXT PRIMARY KEY,             -- UUID v7
    sequence    INTEGER NOT NULL UNIQUE,      -- 1, 2, 3, ... per device
    surveyor_id TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ('pending', 'written')),
    file_name   TEXT,
    sha256      TEXT,
    written_to  TEXT                          -- the folder, for the day summary
) STRICT;
