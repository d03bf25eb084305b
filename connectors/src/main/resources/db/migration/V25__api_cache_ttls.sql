-- Runtime TTLs of the query API's response cache (owned by query-api). A row overrides the configured TTL
-- (chaintrack.api.cache.ttls.<method>) of one method on every replica within the refresh interval; delete the
-- row to fall back to the configuration. method is the RPC name (ListChains, GetChainTotals, ...); 0 = never cached.
CREATE TABLE api_cache_ttls (
    method     TEXT        PRIMARY KEY,
    ttl_ms     BIGINT      NOT NULL CHECK (ttl_ms >= 0 AND ttl_ms <= 86400000),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
