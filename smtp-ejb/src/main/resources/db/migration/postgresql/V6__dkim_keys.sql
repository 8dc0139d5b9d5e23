-- DKIM signing keys per local domain (RFC 6376, RFC 8463). private_key is PKCS#8 in base64, or
-- sealed with AES-256-GCM ("sealed:" prefix) when SMTP_STORAGE_ENCRYPTION_KEY is set; public_key is
-- the DNS record's p= value. At most one key of a domain is active (signs); the others stay
-- published until deleted, so mail signed before a rotation still verifies.
CREATE TABLE dkim_keys (
    id          BIGSERIAL     PRIMARY KEY,
    domain      VARCHAR(253)  NOT NULL,
    selector    VARCHAR(63)   NOT NULL,
    algorithm   VARCHAR(32)   NOT NULL,
    private_key TEXT          NOT NULL,
    public_key  TEXT          NOT NULL,
    active      BOOLEAN       NOT NULL DEFAULT FALSE,
    created_at  BIGINT        NOT NULL,
    UNIQUE (domain, selector)
);
