-- Analytics tables written by io.chaintrack.jobs.analytics.AnalyticsJob. Every row is derived from
-- FINAL blocks only (canonical and older than the job's reorg horizon), so rows are never retracted.
-- Natural keys make every write an idempotent upsert; cumulative rows carry blocks_covered, and an
-- upsert only replaces a row that covers no more blocks, so a backfill of an already covered range
-- changes nothing. NULL keys (no token, no chain for GLOBAL) compare equal (NULLS NOT DISTINCT, PG >= 15).

-- Totals since the configured start block, per chain, per (chain, token) and across all chains.
CREATE TABLE analytics_totals (
    scope              TEXT          NOT NULL CHECK (scope IN ('CHAIN', 'TOKEN', 'GLOBAL')),
    chain_id           BIGINT,
    token              TEXT,
    transfers          BIGINT        NOT NULL,
    volume             NUMERIC(78,0),
    senders            BIGINT        NOT NULL,
    senders_lower      BIGINT        NOT NULL,
    senders_upper      BIGINT        NOT NULL,
    senders_method     TEXT          NOT NULL CHECK (senders_method IN ('exact', 'hll')),
    receivers          BIGINT        NOT NULL,
    receivers_lower    BIGINT        NOT NULL,
    receivers_upper    BIGINT        NOT NULL,
    receivers_method   TEXT          NOT NULL CHECK (receivers_method IN ('exact', 'hll')),
    holders            BIGINT        NOT NULL,
    first_block        BIGINT,
    last_block         BIGINT,
    first_block_time   TIMESTAMPTZ,
    last_block_time    TIMESTAMPTZ,
    source_block       BIGINT,
    source_time        TIMESTAMPTZ   NOT NULL,
    blocks_covered     BIGINT        NOT NULL,
    accuracy           TEXT          NOT NULL CHECK (accuracy IN ('exact', 'partial')),
    covered_from_block BIGINT,
    covered_to_block   BIGINT,
    CONSTRAINT analytics_totals_key UNIQUE NULLS NOT DISTINCT (scope, chain_id, token)
);

-- Window scores (ZSCORE, IQR) for every closed window of every scored series, and single transfers
-- that are large against their token's rolling p99 (P99; subject = the transfer's natural key).
CREATE TABLE analytics_anomalies (
    chain_id          BIGINT           NOT NULL,
    token             TEXT,
    metric            TEXT             NOT NULL,
    window_start      TIMESTAMPTZ      NOT NULL,
    window_seconds    INTEGER          NOT NULL,
    method            TEXT             NOT NULL CHECK (method IN ('ZSCORE', 'IQR', 'P99')),
    subject           TEXT             NOT NULL,
    value             DOUBLE PRECISION NOT NULL,
    baseline          DOUBLE PRECISION NOT NULL,
    spread            DOUBLE PRECISION NOT NULL,
    lower_fence       DOUBLE PRECISION,
    upper_fence       DOUBLE PRECISION,
    score             DOUBLE PRECISION NOT NULL,
    threshold         DOUBLE PRECISION NOT NULL,
    severity          TEXT             NOT NULL CHECK (severity IN ('none', 'warn', 'critical')),
    baseline_windows  INTEGER          NOT NULL,
    block_number      BIGINT,
    CONSTRAINT analytics_anomalies_key UNIQUE NULLS NOT DISTINCT (chain_id, token, metric, window_start, method, subject)
) PARTITION BY RANGE (window_start);
CREATE INDEX analytics_anomalies_flagged_idx ON analytics_anomalies (window_start DESC) WHERE severity <> 'none';

-- Daily analytics per chain and across chains (day = UTC day of block time).
CREATE TABLE analytics_daily (
    scope            TEXT        NOT NULL CHECK (scope IN ('CHAIN', 'GLOBAL')),
    chain_id         BIGINT,
    day              DATE        NOT NULL,
    transfers        BIGINT      NOT NULL,
    active_addresses BIGINT      NOT NULL,
    new_addresses    BIGINT      NOT NULL,
    blocks           BIGINT      NOT NULL,
    top_tokens       JSONB,
    source_block     BIGINT,
    source_time      TIMESTAMPTZ NOT NULL,
    blocks_covered   BIGINT      NOT NULL,
    accuracy         TEXT        NOT NULL CHECK (accuracy IN ('exact', 'partial')),
    CONSTRAINT analytics_daily_key UNIQUE NULLS NOT DISTINCT (scope, chain_id, day)
) PARTITION BY RANGE (day);

-- Daily transfers and volume per (chain, token).
CREATE TABLE analytics_daily_tokens (
    chain_id       BIGINT        NOT NULL,
    token          TEXT          NOT NULL,
    day            DATE          NOT NULL,
    transfers      BIGINT        NOT NULL,
    volume         NUMERIC(78,0) NOT NULL,
    blocks_covered BIGINT        NOT NULL,
    PRIMARY KEY (chain_id, token, day)
) PARTITION BY RANGE (day);

-- Next-days forecasts made from the daily series up to base_day (Holt's linear trend, additive errors).
CREATE TABLE analytics_forecasts (
    scope          TEXT             NOT NULL CHECK (scope IN ('CHAIN', 'GLOBAL')),
    chain_id       BIGINT,
    metric         TEXT             NOT NULL,
    base_day       DATE             NOT NULL,
    target_day     DATE             NOT NULL,
    horizon_days   INTEGER          NOT NULL,
    value          DOUBLE PRECISION NOT NULL,
    lower          DOUBLE PRECISION NOT NULL,
    upper          DOUBLE PRECISION NOT NULL,
    confidence     DOUBLE PRECISION NOT NULL,
    alpha          DOUBLE PRECISION NOT NULL,
    beta           DOUBLE PRECISION NOT NULL,
    sigma          DOUBLE PRECISION NOT NULL,
    history_days   INTEGER          NOT NULL,
    CONSTRAINT analytics_forecasts_key UNIQUE NULLS NOT DISTINCT (scope, chain_id, metric, base_day, target_day)
) PARTITION BY RANGE (base_day);

-- The tables above that are partitioned by day, with the column their partitions are cut on.
CREATE TABLE analytics_partitioned_tables (
    table_name TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('date', 'timestamptz'))
);
INSERT INTO analytics_partitioned_tables VALUES
    ('analytics_anomalies', 'timestamptz'),
    ('analytics_daily', 'date'),
    ('analytics_daily_tokens', 'date'),
    ('analytics_forecasts', 'date');

-- Creates the one-day partitions of p_table covering [p_from, p_to] that do not exist yet.
-- Partitions are named <table>_pYYYYMMDD; concurrent callers serialise on an advisory lock.
CREATE FUNCTION chaintrack_ensure_day_partitions(p_table TEXT, p_from DATE, p_to DATE) RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
    v_kind TEXT;
    v_day DATE;
    v_name TEXT;
    v_created INTEGER := 0;
BEGIN
    SELECT kind INTO v_kind FROM analytics_partitioned_tables WHERE table_name = p_table;
    IF v_kind IS NULL THEN
        RAISE EXCEPTION 'chaintrack_ensure_day_partitions: % is not a day-partitioned analytics table', p_table;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('chaintrack_partitions'));
    v_day := p_from;
    WHILE v_day <= p_to LOOP
        v_name := p_table || '_p' || to_char(v_day, 'YYYYMMDD');
        IF to_regclass(v_name) IS NULL THEN
            IF v_kind = 'date' THEN
                EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                               v_name, p_table, v_day, v_day + 1);
            ELSE
                EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                               v_name, p_table, v_day::timestamp AT TIME ZONE 'UTC', (v_day + 1)::timestamp AT TIME ZONE 'UTC');
            END IF;
            v_created := v_created + 1;
        END IF;
        v_day := v_day + 1;
    END LOOP;
    RETURN v_created;
END $$;

-- Drops the day partitions of every analytics table whose day is older than p_reference - p_retention_days
-- (the retention window keeps p_retention_days days ending at p_reference). Returns how many were dropped.
CREATE FUNCTION chaintrack_drop_old_partitions(p_retention_days INTEGER, p_reference DATE DEFAULT current_date)
RETURNS INTEGER
LANGUAGE plpgsql AS $$
DECLARE
    v_part RECORD;
    v_dropped INTEGER := 0;
    v_cutoff TEXT;
BEGIN
    IF p_retention_days IS NULL OR p_retention_days < 1 THEN
        RAISE EXCEPTION 'chaintrack_drop_old_partitions: retention_days must be >= 1, got %', p_retention_days;
    END IF;
    v_cutoff := to_char(p_reference - p_retention_days + 1, 'YYYYMMDD');
    PERFORM pg_advisory_xact_lock(hashtext('chaintrack_partitions'));
    FOR v_part IN
        SELECT c.relname AS name
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        JOIN pg_class p ON p.oid = i.inhparent
        JOIN analytics_partitioned_tables t ON t.table_name = p.relname
        WHERE c.relname ~ '_p[0-9]{8}$' AND right(c.relname, 8) < v_cutoff
    LOOP
        EXECUTE format('DROP TABLE IF EXISTS %I', v_part.name);
        v_dropped := v_dropped + 1;
    END LOOP;
    RETURN v_dropped;
END $$;
