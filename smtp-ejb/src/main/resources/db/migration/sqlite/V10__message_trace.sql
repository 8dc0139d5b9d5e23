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
CREATE INDEX trace_steps_recipient ON trace_steps (recipient);
CREATE INDEX trace_steps_queue ON trace_steps (queue_id);
