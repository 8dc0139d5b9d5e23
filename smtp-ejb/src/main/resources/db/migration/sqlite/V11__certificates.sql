-- The server's certificate from an ACME authority (RFC 8555), shared by every node: its chain in
-- PEM (leaf first), its private key sealed with SMTP_STORAGE_ENCRYPTION_KEY when that is set, the
-- names it was ordered for (comma-separated), its expiry and when it was obtained; epoch ms.
CREATE TABLE tls_certificates (
    id          TEXT PRIMARY KEY,
    chain_pem   TEXT NOT NULL,
    private_key TEXT NOT NULL,
    names       TEXT NOT NULL,
    not_after   INTEGER NOT NULL,
    obtained_at INTEGER NOT NULL
);

-- The ACME account of each directory URL: its key pair (sealed as above) and its URL at the authority.
CREATE TABLE acme_accounts (
    directory   TEXT PRIMARY KEY,
    account_key TEXT NOT NULL,
    location    TEXT
);

-- HTTP-01 challenges in progress (RFC 8555 8.3): whichever node the authority reaches answers
-- /.well-known/acme-challenge/<token> with its key authorization until expires_at.
CREATE TABLE acme_challenges (
    token      TEXT PRIMARY KEY,
    content    TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

-- One order at a time across the nodes: the node named by holder orders until lease_until; the
-- outcome of the last attempt (when it ended), when to try again, names left out after they failed
-- (name=until/days, comma-separated), and an administrator's request for a renewal now.
CREATE TABLE acme_orders (
    id              TEXT PRIMARY KEY,
    holder          TEXT,
    lease_until     INTEGER NOT NULL,
    last_attempt    INTEGER,
    last_error      TEXT,
    failures        INTEGER NOT NULL,
    next_attempt    INTEGER NOT NULL,
    failed_names    TEXT NOT NULL,
    renew_requested INTEGER NOT NULL
);
INSERT INTO acme_orders (id, lease_until, failures, next_attempt, failed_names, renew_requested) VALUES ('server', 0, 0, 0, '', 0);

-- The names each node wants on the certificate (its host name, SMTP_ACME_NAMES, mta-sts. of its
-- local domains), comma-separated, and when it last said so: one certificate carries the names of
-- the nodes seen in the last day.
CREATE TABLE acme_wanted_names (
    hostname TEXT PRIMARY KEY,
    names    TEXT NOT NULL,
    seen_at  INTEGER NOT NULL
);
