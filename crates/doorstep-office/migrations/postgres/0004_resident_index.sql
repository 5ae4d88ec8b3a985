-- Version 4: a resident's periods by date, for the sample's look-ups of
-- the residents it drew and the street of a complaint (the partial index
-- of 0001 serves only the open period: without this, each look-up read
-- the whole register).
CREATE INDEX resident_periods_resident ON resident_periods(resident_id, valid_from);
