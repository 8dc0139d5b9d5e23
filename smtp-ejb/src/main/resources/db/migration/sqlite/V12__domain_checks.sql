-- The daily DNS check of each local domain, shared by every node: the items that failed last
-- time (comma-separated; NULL before the first check) and when it was taken (epoch ms); one node
-- takes a domain's check a day.
CREATE TABLE domain_checks (
    domain     TEXT PRIMARY KEY,
    failing    TEXT,
    checked_at INTEGER NOT NULL
);
