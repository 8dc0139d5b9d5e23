-- Mailforge schema, version 1 (PostgreSQL). Instants are epoch milliseconds.
CREATE TABLE users (
    id            BIGSERIAL    PRIMARY KEY,
    username      VARCHAR(64)  NOT NULL UNIQUE,
    email         VARCHAR(320) NOT NULL UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    created_at    BIGINT       NOT NULL,
    last_login    BIGINT,
    quota_mb      BIGINT       NOT NULL,
    used_bytes    BIGINT       NOT NULL DEFAULT 0,
    enabled       BOOLEAN      NOT NULL DEFAULT TRUE,
    admin         BOOLEAN      NOT NULL DEFAULT FALSE,
    messages_sent BIGINT       NOT NULL DEFAULT 0
);

CREATE TABLE stored_messages (
    id          BIGSERIAL    PRIMARY KEY,
    mailbox     VARCHAR(320) NOT NULL,
    storage_key VARCHAR(512) NOT NULL,
    size_bytes  BIGINT       NOT NULL,
    from_addr   VARCHAR(320) NOT NULL,
    session_id  VARCHAR(32)  NOT NULL,
    received_at BIGINT       NOT NULL
);
CREATE INDEX idx_stored_messages_mailbox ON stored_messages (mailbox);
CREATE INDEX idx_stored_messages_received ON stored_messages (received_at);
