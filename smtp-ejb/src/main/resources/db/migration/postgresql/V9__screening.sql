-- The MX's defence before DATA, shared by every node. Greylisting triplets (client network /24 or
-- /64, envelope sender, recipient) keyed by a SHA-256 digest of the three: first seen, the first
-- retry taken or the triplet let through (NULL while it waits), whether it earned that by a retry
-- after the delay (only those count for the auto-allow and for a sender domain), last seen; epoch ms.
CREATE TABLE greylist (
    id            VARCHAR(64) PRIMARY KEY,
    network       VARCHAR(64) NOT NULL,
    sender_domain VARCHAR(253) NOT NULL,
    first_seen    BIGINT NOT NULL,
    passed_at     BIGINT,
    earned        BOOLEAN NOT NULL DEFAULT FALSE,
    last_seen     BIGINT NOT NULL
);
CREATE INDEX greylist_network ON greylist (network, earned);
CREATE INDEX greylist_sender_domain ON greylist (sender_domain, earned);
-- the hourly purge
CREATE INDEX greylist_last_seen ON greylist (last_seen);
CREATE INDEX greylist_first_seen ON greylist (first_seen);

-- Clients that kept silent until their greeting (the early-talker test), greeted at once until passed_until.
CREATE TABLE greeting_passes (
    address      VARCHAR(64) PRIMARY KEY,
    passed_until BIGINT NOT NULL
);
CREATE INDEX greeting_passes_until ON greeting_passes (passed_until);
