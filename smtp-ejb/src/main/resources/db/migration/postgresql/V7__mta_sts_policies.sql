-- MTA-STS policies (RFC 8461) of destination domains, fetched over HTTPS and shared by every node:
-- the policy id of the domain's _mta-sts TXT record, its mode (enforce, testing, none), its mx
-- patterns (space-separated) and max_age; a policy is used until fetched_at + max_age.
CREATE TABLE mta_sts_policies (
    domain          VARCHAR(253) PRIMARY KEY,
    policy_id       TEXT    NOT NULL,
    mode            TEXT    NOT NULL,
    mx              TEXT    NOT NULL,
    max_age_seconds BIGINT NOT NULL,
    fetched_at      BIGINT NOT NULL
);
