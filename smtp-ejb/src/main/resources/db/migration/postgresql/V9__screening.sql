-- The MX's defence before DATA, shared by every node. Greylisting triplets (client network /24 or
-- /64, envelope sender, recipient) keyed by a SHA-256 digest of the three: first seen, the first
-- retry taken (NULL while the triplet waits), last seen; epoch milliseconds.
CREATE TABLE greylist (
    id            VARCHAR(64) PRIMARY KEY,
    network       VARCHAR(64) NOT NULL,
    sender_domain VARCHAR(253) NOT NULL,
    first_seen    BIGINT NOT NULL,
    passed_at     BIGINT,
    last_seen     BIGINT NOT NULL
);
CREATE INDEX greylist_network ON greylist (network);
CREATE INDEX greylist_sender_domain ON greylist (sender_domain);

-- Clients that kept silent until their greeting (the early-talker test), greeted at once until passed_until.
CREATE TABLE greeting_passes (
    address      VARCHAR(45) PRIMARY KEY,
    passed_until BIGINT NOT NULL
);
