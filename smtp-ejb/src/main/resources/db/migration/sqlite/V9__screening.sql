-- The MX's defence before DATA, shared by every node. Greylisting triplets (client network /24 or
-- /64, envelope sender, recipient) keyed by a SHA-256 digest of the three: first seen, the first
-- retry taken or the triplet let through (NULL while it waits), whether it earned that by a retry
-- after the delay (only those count for the auto-allow and for a sender domain), last seen; epoch ms.
CREATE TABLE greylist (
    id            TEXT PRIMARY KEY,
    network       TEXT NOT NULL,
    sender_domain TEXT NOT NULL,
    first_seen    INTEGER NOT NULL,
    passed_at     INTEGER,
    earned        INTEGER NOT NULL DEFAULT 0,
    last_seen     INTEGER NOT NULL
);
CREATE INDEX greylist_network ON greylist (network, earned);
CREATE INDEX greylist_sender_domain ON greylist (sender_domain, earned);
-- the hourly purge
CREATE INDEX greylist_last_seen ON greylist (last_seen);
CREATE INDEX greylist_first_seen ON greylist (first_seen);

-- Clients that kept silent until their greeting (the early-talker test), greeted at once until passed_until.
CREATE TABLE greeting_passes (
    address      TEXT PRIMARY KEY,
    passed_until INTEGER NOT NULL
);
CREATE INDEX greeting_passes_until ON greeting_passes (passed_until);
