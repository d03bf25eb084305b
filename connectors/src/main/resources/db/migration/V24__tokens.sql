-- Token metadata (owned by query-api): symbol, name and decimals read once per token from the contract
-- (ERC-20 symbol()/name()/decimals(), bytes32 for old tokens) by the query API's TokenMetadataResolver.
-- status: 'pending' = a replica claimed the lookup at claimed_at; 'done' = looked up (a NULL field means the
-- contract has no readable value for it); 'error' = the RPC calls failed, retried after a while up to a limit.
CREATE TABLE tokens (
    chain_id     BIGINT      NOT NULL,
    token        TEXT        NOT NULL,
    symbol       TEXT,
    name         TEXT,
    decimals     SMALLINT    CHECK (decimals BETWEEN 0 AND 255),
    status       TEXT        NOT NULL CHECK (status IN ('pending', 'done', 'error')),
    attempts     INTEGER     NOT NULL DEFAULT 0,
    error        TEXT,
    claimed_at   TIMESTAMPTZ,
    looked_up_at TIMESTAMPTZ,
    PRIMARY KEY (chain_id, token)
);
