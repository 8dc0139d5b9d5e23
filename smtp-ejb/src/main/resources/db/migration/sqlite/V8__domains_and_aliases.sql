-- Local domains added through the API (SMTP_LOCAL_DOMAINS and SMTP_HOSTNAME are local as well,
-- without a row), and aliases: an address of a local domain (or *@domain, the domain's catch-all)
-- that reaches one or more local users and/or outside addresses (targets, one per line).
CREATE TABLE domains (
    name       TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
);
CREATE TABLE aliases (
    address    TEXT PRIMARY KEY,
    domain     TEXT NOT NULL,
    targets    TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX aliases_domain ON aliases (domain);
