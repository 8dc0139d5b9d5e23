-- The message trace: what happened to each message, and to each refused attempt to send one,
-- written by every node (SMTP_TRACE_RETENTION_DAYS). One row per message (the transaction's id, as in
-- its 250 reply); its status is derived from the counts when read: open queue entries, recipients
-- given up on, taken or not, temporary and permanent refusals. Times are epoch ms.
CREATE TABLE trace_messages (
    id             TEXT PRIMARY KEY,
    first_at       INTEGER NOT NULL,
    last_at        INTEGER NOT NULL,
    node           TEXT,
    listener       TEXT,
    client_address TEXT,
    client_name    TEXT,
    helo           TEXT,
    tls            TEXT,
    auth_user      TEXT,
    sender         TEXT,
    message_id     TEXT,
    subject        TEXT,
    size_bytes     INTEGER,
    recipients     TEXT,
    authentication TEXT,
    scan           TEXT,
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
    id        INTEGER PRIMARY KEY,
    trace_id  TEXT NOT NULL,
    at        INTEGER NOT NULL,
    kind      TEXT NOT NULL,
    recipient TEXT,
    queue_id  TEXT,
    outcome   TEXT NOT NULL,
    reply     TEXT,
    detail    TEXT
);
CREATE INDEX trace_steps_trace ON trace_steps (trace_id);
CREATE INDEX trace_steps_recipient ON trace_steps (recipient, trace_id);
CREATE INDEX trace_steps_queue ON trace_steps (queue_id);

-- Queue control: destination domains whose mail waits (nothing is attempted) until resumed.
CREATE TABLE suspended_domains (
    domain       TEXT PRIMARY KEY,
    since        INTEGER NOT NULL,
    suspended_by TEXT NOT NULL
);

-- Outbound guardrails. Recipients that refused for good ("user unknown"): not tried again until expires_at.
CREATE TABLE suppressions (
    address    TEXT PRIMARY KEY,
    reason     TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX suppressions_expires ON suppressions (expires_at);
-- Messages sent and hard bounces per account (a login, or @domain for a sender domain) and clock hour (epoch hours).
CREATE TABLE sending_counts (
    account  TEXT NOT NULL,
    hour     INTEGER NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    bounces  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account, hour)
);
-- Accounts held for bouncing too much: they send nothing, their queued mail waits, until an administrator releases them.
CREATE TABLE held_accounts (
    account TEXT PRIMARY KEY,
    since   INTEGER NOT NULL,
    reason  TEXT NOT NULL
);
-- The login that submitted a queued message (NULL for mail from other servers and our own).
ALTER TABLE outbound_messages ADD COLUMN account TEXT;
CREATE INDEX outbound_messages_account ON outbound_messages (account);
