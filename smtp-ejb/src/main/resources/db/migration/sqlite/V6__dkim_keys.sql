-- DKIM signing keys per local domain (RFC 6376, RFC 8463). private_key is PKCS#8 in base64, or
-- sealed with AES-256-GCM ("sealed:" prefix) when SMTP_STORAGE_ENCRYPTION_KEY is set; public_key is
-- the DNS record's p= value. At most one key of a domain is active (signs); the others stay
-- published until deleted, so mail signed before a rotation still verifies.
CREATE TABLE dkim_keys (
    id          INTEGER PRIMARY KEY,
    domain      TEXT    NOT NULL,
    selector    TEXT    NOT NULL,
    algorithm   TEXT    NOT NULL,
    private_key TEXT    NOT NULL,
    public_key  TEXT    NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    UNIQUE (domain, selector)
);
