-- Mailforge schema, version 1 (SQLite). Instants are epoch milliseconds.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE,
    email         TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_login    INTEGER,
    quota_mb      INTEGER NOT NULL,
    used_bytes    INTEGER NOT NULL DEFAULT 0,
    enabled       INTEGER NOT NULL DEFAULT 1,
    admin         INTEGER NOT NULL DEFAULT 0,
    messages_sent INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE stored_messages (
    id          INTEGER PRIMARY KEY,
    mailbox     TEXT    NOT NULL,
    storage_key TEXT    NOT NULL,
    size_bytes  INTEGER NOT NULL,
    from_addr   TEXT    NOT NULL,
    session_id  TEXT    NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX idx_stored_messages_mailbox ON stored_messages (mailbox);
CREATE INDEX idx_stored_messages_received ON stored_messages (received_at);
