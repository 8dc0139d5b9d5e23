-- The outbound queue (PostgreSQL): one row per message and destination domain, one per recipient.
CREATE TABLE outbound_messages (
    id                VARCHAR(40)   PRIMARY KEY,
    sender            VARCHAR(320)  NOT NULL,
    domain            VARCHAR(255)  NOT NULL,
    subject           VARCHAR(1000),
    size_bytes        BIGINT        NOT NULL,
    content_file      VARCHAR(255)  NOT NULL,
    status            VARCHAR(16)   NOT NULL,
    attempts          INTEGER       NOT NULL DEFAULT 0,
    max_attempts      INTEGER       NOT NULL,
    next_retry        BIGINT,
    created_at        BIGINT        NOT NULL,
    last_error        VARCHAR(1000),
    lease_until       BIGINT,
    deliver_by        BIGINT,
    deliver_by_return BOOLEAN       NOT NULL DEFAULT FALSE,
    delay_notified    BOOLEAN       NOT NULL DEFAULT FALSE,
    smtp_utf8         BOOLEAN       NOT NULL DEFAULT FALSE,
    session_id        VARCHAR(32)   NOT NULL
);
CREATE INDEX idx_outbound_messages_due ON outbound_messages (status, next_retry);
CREATE INDEX idx_outbound_messages_domain ON outbound_messages (domain);
CREATE INDEX idx_outbound_messages_created ON outbound_messages (created_at);

CREATE TABLE outbound_recipients (
    id         BIGSERIAL     PRIMARY KEY,
    message_id VARCHAR(40)   NOT NULL REFERENCES outbound_messages (id) ON DELETE CASCADE,
    address    VARCHAR(320)  NOT NULL,
    status     VARCHAR(16)   NOT NULL,
    last_reply VARCHAR(1000)
);
CREATE INDEX idx_outbound_recipients_message ON outbound_recipients (message_id);
