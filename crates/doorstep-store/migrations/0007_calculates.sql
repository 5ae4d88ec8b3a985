-- doorstep store, schema 7: the values of an interview's relevant
-- calculates, saved with the answer (or move) that changed them, in the
-- same transaction. A calculate inside a repeat has a row per instance
-- (`instance` as in `answers`: -1 outside a repeat); one that stopped being
-- relevant, or whose value is empty, has none. `value` is the text a label
-- shows (doorstep_batch::format::calculate_text). Interviews recorded
-- before this schema have no rows: their batches carry no calculates, so
-- `export --again` of an earlier batch gives the same bytes.
CREATE TABLE calculates (
    interview_id TEXT NOT NULL REFERENCES interviews (id),
    question_id  TEXT NOT NULL,
    instance     INTEGER NOT NULL,
    value        TEXT NOT NULL,
    PRIMARY KEY (interview_id, question_id, instance)
) STRICT, WITHOUT ROWID;
