-- API-key rate limits as Bucket4j token buckets (io.chaintrack.api.keys.RateLimits), shared by every API replica:
-- one row per key and tier limit, its state serialised by Bucket4j and changed under SELECT ... FOR UPDATE.
-- Replicas consume a small local share of a key's budget between writes (chaintrack.api.auth.local-share,
-- chaintrack.api.auth.sync-period; docs/configuration.md), so a request does not write a row each time.
CREATE TABLE api_rate_buckets (
    bucket_id TEXT  PRIMARY KEY,
    state     BYTEA
);

-- replaced by api_rate_buckets: the per-request fixed-window counter of V20
DROP TABLE api_rate_windows;
