-- V43's rebuilt covering indexes take back the names of V26's (query plans, benchmarks and docs name them). A
-- rename is transactional and instant, so it lives here rather than in V43, which runs outside a transaction.
ALTER INDEX transfers_from_cover_kind_idx RENAME TO transfers_from_cover_idx;
ALTER INDEX transfers_to_cover_kind_idx RENAME TO transfers_to_cover_idx;

-- Reconciliation runs (io.chaintrack.connectors.reconcile): chaintrack's balances and blocks compared with the
-- node's at one block. Written only by the reconciler (one row per run, its mismatches once the run ends); the API
-- only reads them. Amounts are exact NUMERIC(78,0) like everywhere else; expected/actual are TEXT because a check
-- may compare addresses (nft_owner) as well as numbers.
CREATE TABLE reconciliation_runs (
    run_id              BIGSERIAL     PRIMARY KEY,
    chain_id            BIGINT        NOT NULL,
    started_at          TIMESTAMPTZ   NOT NULL,
    finished_at         TIMESTAMPTZ,
    block_number        BIGINT,
    block_hash          TEXT,
    status              TEXT          NOT NULL CHECK (status IN ('RUNNING', 'OK', 'MISMATCH', 'FAILED')),
    error               TEXT,
    accounts_checked    BIGINT        NOT NULL DEFAULT 0,
    balances_checked    BIGINT        NOT NULL DEFAULT 0,
    owners_checked      BIGINT        NOT NULL DEFAULT 0,
    blocks_checked      BIGINT        NOT NULL DEFAULT 0,
    mismatches          BIGINT        NOT NULL DEFAULT 0,
    largest_difference  NUMERIC(78,0) NOT NULL DEFAULT 0,
    sample_seed         BIGINT        NOT NULL
);
-- The API's "latest run of a chain".
CREATE INDEX reconciliation_runs_latest_idx ON reconciliation_runs (chain_id, run_id DESC);

CREATE TABLE reconciliation_mismatches (
    run_id        BIGINT        NOT NULL REFERENCES reconciliation_runs (run_id) ON DELETE CASCADE,
    seq           INTEGER       NOT NULL,
    check_name    TEXT          NOT NULL,
    address       TEXT,
    token         TEXT,
    token_id      NUMERIC(78,0),
    expected      TEXT          NOT NULL,
    actual        TEXT          NOT NULL,
    difference    NUMERIC(78,0),
    block_number  BIGINT,
    detail        TEXT,
    PRIMARY KEY (run_id, seq)
);
