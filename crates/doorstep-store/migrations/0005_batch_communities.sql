-- doorstep store, schema 5: communities in batches.
-- From this schema on, each visit and interview in a batch carries its
-- resident's community. `export --again` rebuilds a batch from the store and
-- must give the same bytes, so:
--   * `communities` says whether the batch's records carry communities:
--     0 for every batch reserved before this schema (their files have none,
--     and a rewrite must not add them), 1 for batches reserved after;
--   * `batch_communities` keeps the communities as they were when the batch
--     was reserved, so a later import that changes a resident's community
--     does not change a batch already made. Residents without a community
--     have no row.
ALTER TABLE batches ADD COLUMN communities INTEGER NOT NULL DEFAULT 0;
CREATE TABLE batch_communities (
    batch_id    TEXT NOT NULL REFERENCES batches (id),
    resident_id TEXT NOT NULL REFERENCES residents (resident_id),
    community   TEXT NOT NULL,
    PRIMARY KEY (batch_id, resident_id)
) STRICT, WITHOUT ROWID;
