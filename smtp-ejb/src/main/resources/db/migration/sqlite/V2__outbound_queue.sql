-- The outbound queue (SQLite): one row per message and destination domain, one per recipient.
CREATE TABLE outbound_messages (
    id                TEXT    PRIMARY KEY,
    sender            TEXT    NOT NULL,
    domain            TEXT    NOT NULL,
    subject           TEXT,
    size_bytes        INTEGER NOT NULL,
    content_file      TEXT    NOT NULL,
    status            TEXT    NOT NULL,
    attempts          INTEGER NOT NULL DEFAULT 0,
    max_attempts      INTEGER NOT NULL,
    next_retry        INTEGER,
    created_at        INTEGER NOT NULL,
    last_error        TEXT,
    lease_until       INTEGER,
    deliver_by        INTEGER,
    deliver_by_return INTEGER NOT NULL DEFAULT 0,
    delay_notified    INTEGER NOT NULL DEFAULT 0,
    smtp_utf8         INTEGER NOT NULL DEFAULT 0,
    session_id        TEXT    NOT NULL
);
CREATE INDEX idx_outbound_messages_due ON outbound_messages (status, next_retry);
CREATE INDEX idx_outbound_messages_domain ON outbound_messages (domain);
CREATE INDEX idx_outbound_messages_created ON outbound_messages (created_at);

CREATE TABLE outbound_recipients (
    id         INTEGER PRIMARY KEY,
    message_id TEXT    NOT NULL REFERENCES outbound_messages (id) ON DELETE CASCADE,
    address    TEXT    NOT NULL,
    status     TEXT    NOT NULL,
    last_reply TEXT
);
CREATE INDEX idx_outbound_recipients_message ON outbound_recipients (message_id);
