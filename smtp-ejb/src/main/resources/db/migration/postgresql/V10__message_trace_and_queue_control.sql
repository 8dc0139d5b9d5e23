-- The message trace: what happened to each message, and to each refused attempt to send one,
-- written by every node (SMTP_TRACE_RETENTION_DAYS). One row per message (the transaction's id, as in
-- its 250 reply); its status is derived from the counts when read: open queue entries, recipients
-- given up on, taken or not, temporary and permanent refusals. Times are epoch ms.
CREATE TABLE trace_messages (
    id             VARCHAR(40) PRIMARY KEY,
    first_at       BIGINT NOT NULL,
    last_at        BIGINT NOT NULL,
    node           VARCHAR(255),
    listener       VARCHAR(16),
    client_address VARCHAR(64),
    client_name    VARCHAR(255),
    helo           VARCHAR(255),
    tls            VARCHAR(128),
    auth_user      VARCHAR(320),
    sender         VARCHAR(320),
    message_id     VARCHAR(255),
    subject        VARCHAR(255),
    size_bytes     BIGINT,
    recipients     VARCHAR(1000),
    authentication VARCHAR(1000),
    scan           VARCHAR(255),
    accepted       INTEGER NOT NULL DEFAULT 0,
    open_entries   INTEGER NOT NULL DEFAULT 0,
    failed         INTEGER NOT NULL DEFAULT 0,
    temporary      INTEGER NOT NULL DEFAULT 0,
    permanent      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX trace_messages_first_at ON trace_messages (first_at);
CREATE INDEX trace_messages_sender ON trace_messages (sender);
CREATE INDEX trace_messages_message_id ON trace_messages (message_id);
CREATE INDEX trace_messages_client ON trace_messages (client_address);
CREATE INDEX trace_messages_auth_user ON trace_messages (auth_user);

-- Each step of a message's journey, oldest first by (at, id).
CREATE TABLE trace_steps (
    id        BIGSERIAL PRIMARY KEY,
    trace_id  VARCHAR(40) NOT NULL,
    at        BIGINT NOT NULL,
    kind      VARCHAR(16) NOT NULL,
    recipient VARCHAR(320),
    queue_id  VARCHAR(40),
    outcome   VARCHAR(16) NOT NULL,
    reply     VARCHAR(1000),
    detail    VARCHAR(1000)
);
CREATE INDEX trace_steps_trace ON trace_steps (trace_id);
CREATE INDEX trace_steps_recipient ON trace_steps (recipient, trace_id);
CREATE INDEX trace_steps_queue ON trace_steps (queue_id);

-- Queue control: destination domains whose mail waits (nothing is attempted) until resumed.
CREATE TABLE suspended_domains (
    domain       VARCHAR(255) PRIMARY KEY,
    since        BIGINT NOT NULL,
    suspended_by VARCHAR(320) NOT NULL
);

-- Outbound guardrails. Recipients that refused for good ("user unknown"): not tried again until expires_at.
CREATE TABLE suppressions (
    address    VARCHAR(320) PRIMARY KEY,
    reason     VARCHAR(1000) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX suppressions_expires ON suppressions (expires_at);
-- Messages sent and hard bounces per account (a login, or @domain for a sender domain) and clock hour (epoch hours).
CREATE TABLE sending_counts (
    account  VARCHAR(320) NOT NULL,
    hour     BIGINT NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    bounces  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account, hour)
);
-- Accounts held for bouncing too much: they send nothing, their queued mail waits, until an administrator releases them.
CREATE TABLE held_accounts (
    account VARCHAR(320) PRIMARY KEY,
    since   BIGINT NOT NULL,
    reason  VARCHAR(1000) NOT NULL
);
-- The login that submitted a queued message (NULL for mail from other servers and our own).
ALTER TABLE outbound_messages ADD COLUMN account VARCHAR(320);
CREATE INDEX outbound_messages_account ON outbound_messages (account);
