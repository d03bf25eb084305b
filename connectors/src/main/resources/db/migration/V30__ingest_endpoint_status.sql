-- Rate-limit hits and circuit breaker state of each JSON-RPC endpoint of the EVM ingest jobs. The numbers live
-- in the ingest process's memory (Prometheus metrics); the ingest job upserts one row per endpoint every
-- chaintrack.ingest.status-interval so the query API's health can show them. A row that stops changing means
-- the reporter stopped: the API marks rows older than chaintrack.api.health.ingest-status-stale-after stale.
CREATE TABLE ingest_endpoint_status (
    chain              text        NOT NULL,
    endpoint           text        NOT NULL,
    rate_limited_total bigint      NOT NULL CHECK (rate_limited_total >= 0),
    breaker_state      text        NOT NULL CHECK (breaker_state IN ('CLOSED', 'OPEN', 'HALF_OPEN')),
    reported_at        timestamptz NOT NULL,
    PRIMARY KEY (chain, endpoint)
);
