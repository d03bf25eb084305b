-- chaintrack core schema. Amounts are NUMERIC(78,0): exact integers wide enough for uint256
-- (2^256 < 10^78) and for signed deltas. Nothing here is floating point.
-- Every table written by the pipeline has a natural primary key so that replays are idempotent
-- upserts: writing the same event twice leaves the same rows.

-- Chains chaintrack has seen. A chain id not listed here is unknown to the API.
CREATE TABLE chains (
    chain_id    BIGINT      PRIMARY KEY CHECK (chain_id > 0),
    name        TEXT        NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every block the pipeline has seen, canonical or orphaned (keyed by hash, not number).
CREATE TABLE blocks (
    chain_id        BIGINT      NOT NULL,
    block_hash      TEXT        NOT NULL,
    block_number    BIGINT      NOT NULL CHECK (block_number >= 0),
    parent_hash     TEXT        NOT NULL,
    block_time      TIMESTAMPTZ NOT NULL,
    transfer_count  INTEGER     NOT NULL,
    canonical       BOOLEAN     NOT NULL,
    PRIMARY KEY (chain_id, block_hash)
);
CREATE INDEX blocks_canonical_head_idx ON blocks (chain_id, block_number DESC) WHERE canonical;

-- Transfers. A REVERTED block flips canonical to false; the API serves canonical rows only.
CREATE TABLE transfers (
    chain_id        BIGINT        NOT NULL,
    block_hash      TEXT          NOT NULL,
    tx_index        INTEGER       NOT NULL,
    log_index       INTEGER       NOT NULL,
    trace_address   TEXT          NOT NULL,
    batch_index     INTEGER       NOT NULL,
    block_number    BIGINT        NOT NULL,
    block_time      TIMESTAMPTZ   NOT NULL,
    tx_hash         TEXT          NOT NULL,
    token           TEXT          NOT NULL,
    standard        TEXT          NOT NULL CHECK (standard IN ('NATIVE', 'ERC20', 'ERC721', 'ERC1155')),
    from_address    TEXT          NOT NULL,
    to_address      TEXT          NOT NULL,
    amount          NUMERIC(78,0) NOT NULL CHECK (amount >= 0),
    token_id        NUMERIC(78,0),
    operator        TEXT,
    canonical       BOOLEAN       NOT NULL,
    PRIMARY KEY (chain_id, block_hash, tx_index, log_index, trace_address, batch_index)
);
-- Keyset pagination, newest first, per side of the transfer.
CREATE INDEX transfers_from_idx ON transfers
    (chain_id, from_address, block_number DESC, tx_index DESC, log_index DESC, batch_index DESC, trace_address DESC)
    WHERE canonical;
CREATE INDEX transfers_to_idx ON transfers
    (chain_id, to_address, block_number DESC, tx_index DESC, log_index DESC, batch_index DESC, trace_address DESC)
    WHERE canonical;

-- Balance per tumbling event-time window (on block time) with activity. token_id is the ERC-1155
-- id, 0 for other standards (an ERC-721 balance is a count of tokens held).
CREATE TABLE balance_windows (
    chain_id        BIGINT        NOT NULL,
    address         TEXT          NOT NULL,
    token           TEXT          NOT NULL,
    token_id        NUMERIC(78,0) NOT NULL,
    window_seconds  INTEGER       NOT NULL CHECK (window_seconds > 0),
    window_start    TIMESTAMPTZ   NOT NULL,
    delta           NUMERIC(78,0) NOT NULL,
    balance         NUMERIC(78,0) NOT NULL,
    transfers_in    BIGINT        NOT NULL,
    transfers_out   BIGINT        NOT NULL,
    volume_in       NUMERIC(78,0) NOT NULL,
    volume_out      NUMERIC(78,0) NOT NULL,
    PRIMARY KEY (chain_id, address, token, token_id, window_seconds, window_start)
);

-- Balance now, with the block it is valid at.
CREATE TABLE current_balances (
    chain_id        BIGINT        NOT NULL,
    address         TEXT          NOT NULL,
    token           TEXT          NOT NULL,
    token_id        NUMERIC(78,0) NOT NULL,
    standard        TEXT          NOT NULL,
    balance         NUMERIC(78,0) NOT NULL,
    block_number    BIGINT        NOT NULL,
    block_time      TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (chain_id, address, token, token_id)
);

-- Totals per chain over its canonical blocks.
CREATE TABLE chain_totals (
    chain_id        BIGINT      PRIMARY KEY,
    blocks          BIGINT      NOT NULL,
    transfers       BIGINT      NOT NULL,
    first_block     BIGINT      NOT NULL,
    last_block      BIGINT      NOT NULL,
    last_block_time TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Totals per (chain, token) over canonical blocks.
CREATE TABLE token_totals (
    chain_id    BIGINT        NOT NULL,
    token       TEXT          NOT NULL,
    standard    TEXT          NOT NULL,
    transfers   BIGINT        NOT NULL,
    volume      NUMERIC(78,0) NOT NULL,
    PRIMARY KEY (chain_id, token)
);
