-- Targeted sync of a wallet's history on a chain followed from a start block (watch-only: the pipeline never saw
-- the blocks below chain_totals.first_block). Ownership:
--   wallet_sync_requests  written by the API (a wallet was added, or its user asked for a resync); read by the worker
--   wallet_syncs          written only by the sync worker (connectors.walletsync): state, reason, persisted cursors
--   opening_balances      written only by the sync worker when a sync is done; the API adds it to current balances
--   wallet_webhook_deliveries  written by the worker (queued on done/failed, delivery state); read by nobody else
--   wallet_sync_workers   written by the worker on every pass: the chains a history sync runs for (the API says
--                         UNAVAILABLE for a chain followed from a start block without one)
-- The work is per account (chain, address), not per wallet: two users watching one address share one sync.

-- generation grows by one per request; the worker restarts an account whose requested generation is above its own.
CREATE TABLE wallet_sync_requests (
    chain_id      BIGINT      NOT NULL,
    address       TEXT        NOT NULL,
    generation    BIGINT      NOT NULL DEFAULT 1,
    requested_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (chain_id, address)
);
INSERT INTO wallet_sync_requests (chain_id, address)
    SELECT DISTINCT chain_id, address FROM wallets WHERE address ~ '^0x[0-9a-f]{40}$';

-- Cursors are the last block (inclusive) whose history is written: a killed worker resumes after them, and every
-- history row is an idempotent upsert on the transfer's natural key, so what it wrote again is not counted twice.
CREATE TABLE wallet_syncs (
    chain_id          BIGINT      NOT NULL,
    address           TEXT        NOT NULL,
    generation        BIGINT      NOT NULL,
    state             TEXT        NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    reason            TEXT        NOT NULL DEFAULT '',
    target_block      BIGINT,
    logs_through      BIGINT      NOT NULL DEFAULT -1,
    native_through    BIGINT      NOT NULL DEFAULT -1,
    internal_through  BIGINT      NOT NULL DEFAULT -1,
    native_page       INTEGER     NOT NULL DEFAULT 1,
    internal_page     INTEGER     NOT NULL DEFAULT 1,
    records_done      BIGINT      NOT NULL DEFAULT 0,
    attempts          INTEGER     NOT NULL DEFAULT 0,
    requested_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ,
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (chain_id, address)
);
CREATE INDEX wallet_syncs_pending ON wallet_syncs (requested_at) WHERE state IN ('queued', 'running');

CREATE TABLE wallet_sync_workers (
    chain_id  BIGINT      PRIMARY KEY,
    explorer  BOOLEAN     NOT NULL,
    seen_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Balance of an account at block_number (its chain's first indexed block - 1), summed from its synced history.
-- token_id as in current_balances (the ERC-1155 id, 0 otherwise).
CREATE TABLE opening_balances (
    chain_id      BIGINT        NOT NULL,
    address       TEXT          NOT NULL,
    token         TEXT          NOT NULL,
    token_id      NUMERIC(78,0) NOT NULL,
    standard      TEXT          NOT NULL,
    balance       NUMERIC(78,0) NOT NULL,
    block_number  BIGINT        NOT NULL,
    block_time    TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (chain_id, address, token, token_id)
);

-- A wallet's completion webhook: its URL and the HMAC-SHA256 key its deliveries are signed with (never served back).
ALTER TABLE wallets ADD COLUMN webhook_url TEXT CHECK (webhook_url IS NULL OR webhook_url ~ '^https?://');
ALTER TABLE wallets ADD COLUMN webhook_secret TEXT;

CREATE TABLE wallet_webhook_deliveries (
    delivery_id      BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    wallet_id        TEXT        NOT NULL,
    url              TEXT        NOT NULL,
    body             TEXT        NOT NULL,
    state            TEXT        NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_status      INTEGER,
    last_error       TEXT        NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    delivered_at     TIMESTAMPTZ
);
CREATE INDEX wallet_webhook_deliveries_due ON wallet_webhook_deliveries (next_attempt_at) WHERE state = 'pending';
