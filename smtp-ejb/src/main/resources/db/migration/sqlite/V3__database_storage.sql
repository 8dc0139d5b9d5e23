-- SMTP_STORAGE_TYPE=database (spec: Database Storage). Dates are epoch milliseconds; body_text is
-- the message's readable text, the source of the full-text index.
CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    message_id TEXT    UNIQUE,
    "user"     TEXT    NOT NULL,
    folder     TEXT    NOT NULL,
    from_addr  TEXT,
    to_addrs   TEXT,
    subject    TEXT,
    date       INTEGER,
    size       INTEGER NOT NULL,
    flags      TEXT    NOT NULL DEFAULT '',
    body       BLOB    NOT NULL,
    headers    TEXT,
    body_text  TEXT
);
CREATE INDEX idx_messages_user ON messages ("user");
CREATE INDEX idx_messages_folder ON messages ("user", folder);
CREATE INDEX idx_messages_date ON messages (date);
-- rowid = messages.id; written in the same transaction as the row
CREATE VIRTUAL TABLE messages_fts USING fts5(subject, body);
