-- Kafka consumer lag of the jobs' groups on a topic, for the query API's health (queue depth). The ingest job
-- reads it from the brokers every chaintrack.ingest.status-interval and upserts one row per group, so the API
-- never talks to Kafka; a row older than chaintrack.api.health.ingest-status-stale-after is reported as ERROR.
-- The tokens table (V24) has the same kind of writer now: the ingest job's token-metadata-lookup operator
-- upserts one row per token it saw ('pending' and claimed_at are no longer written).
CREATE TABLE consumer_lag (
    topic                  text        NOT NULL,
    group_id               text        NOT NULL,
    lag                    bigint      NOT NULL CHECK (lag >= 0),
    partitions             integer     NOT NULL CHECK (partitions >= 0),
    uncommitted_partitions integer     NOT NULL CHECK (uncommitted_partitions >= 0),
    reported_at            timestamptz NOT NULL,
    PRIMARY KEY (topic, group_id)
);
