-- Indexes of the query API's analytics routes (owned by query-api) on the analytics job's tables (V10).
-- analytics_anomalies is partitioned: an index on the parent is created on every partition, present and
-- future (partitioned indexes cannot be built CONCURRENTLY; these tables hold 90 days at most).

-- a chain's tokens by transfers, busiest first, keyset paginated on (transfers, token)
CREATE INDEX IF NOT EXISTS analytics_totals_token_rank_idx ON analytics_totals (chain_id, transfers DESC, token DESC)
    WHERE scope = 'TOKEN';

-- a chain's flagged anomalies newest first (the default listing and the live stream)
CREATE INDEX IF NOT EXISTS analytics_anomalies_chain_flagged_idx ON analytics_anomalies (chain_id, window_start DESC)
    WHERE severity <> 'none';

-- every score of a chain newest first (min_severity = NONE)
CREATE INDEX IF NOT EXISTS analytics_anomalies_chain_time_idx ON analytics_anomalies (chain_id, window_start DESC);
