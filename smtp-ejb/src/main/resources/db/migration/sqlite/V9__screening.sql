-- The MX's defence before DATA, shared by every node. Greylisting triplets (client network /24 or
-- /64, envelope sender, recipient) keyed by a SHA-256 digest of the three: first seen, the first
-- retry taken (NULL while the triplet waits), last seen; epoch milliseconds.
CREATE TABLE greylist (
    id            TEXT PRIMARY KEY,
    network       TEXT NOT NULL,
    sender_domain TEXT NOT NULL,
    first_seen    INTEGER NOT NULL,
    passed_at     INTEGER,
    last_seen     INTEGER NOT NULL
);
CREATE INDEX greylist_network ON greylist (network);
CREATE INDEX greylist_sender_domain ON greylist (sender_domain);

-- Clients that kept silent until their greeting (the early-talker test), greeted at once until passed_until.
CREATE TABLE greeting_passes (
    address      TEXT PRIMARY KEY,
    passed_until INTEGER NOT NULL
);
