-- TLS reporting (RFC 8460), shared by every node: the TLS outcome of outbound connections counted
-- per day (UTC, YYYY-MM-DD) and destination domain, sessions alike on one row (policy strings and
-- MX patterns newline-separated; result_type '' for success; kind: the SHA-256 of them all, in hex,
-- as a key a long policy cannot push past an index's row size) ...
CREATE TABLE tls_report_counts (
    day            TEXT NOT NULL,
    policy_domain  TEXT NOT NULL,
    kind           CHAR(64) NOT NULL,
    policy_type    TEXT NOT NULL,
    policy_strings TEXT NOT NULL,
    policy_mx      TEXT NOT NULL,
    mx_host        TEXT NOT NULL,
    sending_ip     TEXT NOT NULL,
    receiving_ip   TEXT NOT NULL,
    result_type    TEXT NOT NULL,
    detail         TEXT NOT NULL,
    sessions       INTEGER NOT NULL,
    PRIMARY KEY (day, policy_domain, kind)
);
-- ... and the daily report of each domain: the node that claimed it first sends it, once.
CREATE TABLE tls_report_sends (
    day           TEXT NOT NULL,
    policy_domain TEXT NOT NULL,
    claimed_at    INTEGER NOT NULL,
    outcome       TEXT,
    reports       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, policy_domain)
);
-- Report addresses whose report came back refused for good: never sent to again.
CREATE TABLE tls_report_bounces (
    address    TEXT PRIMARY KEY,
    bounced_at INTEGER NOT NULL
);
-- Reports sent to each address a day (UTC): a cap per address, however many domains name it.
CREATE TABLE tls_report_addresses (
    address TEXT NOT NULL,
    day     TEXT NOT NULL,
    reports INTEGER NOT NULL,
    PRIMARY KEY (address, day)
);
