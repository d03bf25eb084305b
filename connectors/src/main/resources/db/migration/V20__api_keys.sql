-- API keys of the query API (owned by query-api; keys are managed with io.chaintrack.api.keys.KeysCommand).
-- Only the SHA-256 of a key's secret is stored: the secret is printed once at creation and never again.

-- What a key may call and how often. allowed_methods holds full gRPC method names
-- ("chaintrack.v1.TransferService/ListAddressTransfers"), service wildcards ("chaintrack.v1.ChainService/*")
-- or "*"; REST routes map to the method of their google.api.http rule.
CREATE TABLE api_tiers (
    tier                TEXT        PRIMARY KEY,
    allowed_methods     TEXT[]      NOT NULL,
    requests_per_window INTEGER     NOT NULL CHECK (requests_per_window > 0),
    window_seconds      INTEGER     NOT NULL CHECK (window_seconds > 0),
    updated_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE api_keys (
    key_id      TEXT        PRIMARY KEY,
    key_hash    BYTEA       NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
    name        TEXT        NOT NULL,
    tier        TEXT        NOT NULL REFERENCES api_tiers (tier),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ
);

-- Request counts per key and fixed window, on the database clock, so every API replica shares one limit.
CREATE TABLE api_rate_windows (
    key_id       TEXT        NOT NULL REFERENCES api_keys (key_id) ON DELETE CASCADE,
    window_start TIMESTAMPTZ NOT NULL,
    requests     INTEGER     NOT NULL,
    PRIMARY KEY (key_id, window_start)
);

INSERT INTO api_tiers (tier, allowed_methods, requests_per_window, window_seconds) VALUES
    ('basic', ARRAY['chaintrack.v1.ChainService/*', 'chaintrack.v1.BalanceService/GetBalances', 'chaintrack.v1.HealthService/*'], 60, 60),
    ('standard', ARRAY['*'], 600, 60),
    ('unlimited', ARRAY['*'], 2147483647, 1);
