-- Version 3: rectification work orders, one per complaint in a counted
-- interview, with every change of state kept.
CREATE TABLE orders (
    order_id      INTEGER PRIMARY KEY,
    interview_id  TEXT NOT NULL UNIQUE REFERENCES interviews(interview_id),
    community     TEXT,
    street        TEXT,
    category      TEXT NOT NULL,
    department    TEXT NOT NULL,
    location      TEXT,
    text          TEXT,
    -- The call-back number, kept only when the resident agreed to a call.
    callback_phone TEXT,
    created_at    TEXT NOT NULL,
    deadline      TEXT NOT NULL,
    status        TEXT NOT NULL
);
CREATE INDEX orders_department ON orders(department, status);

CREATE TABLE order_history (
    order_id   INTEGER NOT NULL REFERENCES orders(order_id),
    at         TEXT NOT NULL,
    who        TEXT NOT NULL,
    from_status TEXT,
    to_status  TEXT NOT NULL,
    note       TEXT
);
CREATE INDEX order_history_order ON order_history(order_id, at);
