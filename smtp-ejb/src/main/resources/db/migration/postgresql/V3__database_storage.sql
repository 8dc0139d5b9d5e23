-- SMTP_STORAGE_TYPE=database (spec: Database Storage); the full-text index is a tsvector column
-- derived from subject and body_text (the message's readable text) with a GIN index.
CREATE TABLE messages (
    id         BIGSERIAL PRIMARY KEY,
    message_id TEXT      UNIQUE,
    "user"     TEXT      NOT NULL,
    folder     TEXT      NOT NULL,
    from_addr  TEXT,
    to_addrs   TEXT,
    subject    TEXT,
    date       BIGINT,
    size       BIGINT    NOT NULL,
    flags      TEXT      NOT NULL DEFAULT '',
    body       BYTEA     NOT NULL,
    headers    TEXT,
    body_text  TEXT,
    search     TSVECTOR GENERATED ALWAYS AS
               (to_tsvector('simple', coalesce(subject, '') || ' ' || coalesce(body_text, ''))) STORED
);
CREATE INDEX idx_messages_user ON messages ("user");
CREATE INDEX idx_messages_folder ON messages ("user", folder);
CREATE INDEX idx_messages_date ON messages (date);
CREATE INDEX idx_messages_search ON messages USING GIN (search);
