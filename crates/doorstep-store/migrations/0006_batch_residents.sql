-- doorstep store, schema 6: the interviewed residents as a batch saw them.
-- Which answers a batch carries depends on the questionnaire's skip logic,
-- which may read the resident's fields (`${resident.age_group}`). `export
-- --again` must give the same bytes after a later import changed them, so
-- the fields of the batch's interviewed residents are kept as they were
-- when the batch was reserved. Batches reserved before this schema have no
-- rows here and are rebuilt from the residents as they are now.
CREATE TABLE batch_residents (
    batch_id    TEXT NOT NULL REFERENCES batches (id),
    resident_id TEXT NOT NULL REFERENCES residents (resident_id),
    name        TEXT NOT NULL,
    address     TEXT NOT NULL,
    community   TEXT,
    grid        TEXT,
    building    TEXT,
    unit        TEXT,
    room        TEXT,
    phone       TEXT,
    attributes  TEXT NOT NULL,
    PRIMARY KEY (batch_id, resident_id)
) STRICT, WITHOUT ROWID;
