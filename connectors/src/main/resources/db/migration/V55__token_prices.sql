-- Token prices per source and minute (issue "Token prices"). Written only by the pipeline: the price job for
-- on-chain sources (DEX pools, Chainlink-style aggregators) and the HTTP price poller; the API reads them and picks
-- the best price at read time (core.price), so every source's own observation is kept as observed.
-- A row is a source's last observation within the minute. price is exact: quote units per token unit, rounded
-- once to 34 significant digits; never binary floating point.
--   unit = 'base'  : base units of the quote token per base unit of the token (DEX reserves and sqrtPriceX96,
--                    before decimals: the reader applies both tokens' decimals from the tokens table);
--   unit = 'whole' : whole quote units per whole token (aggregator answers with their decimals applied, HTTP APIs).
-- quote is a token address of the same chain (lowercase 0x..., or 'native') or the fiat code 'USD'.
-- liquidity is the depth behind the price in the same quote units as price (NULL when the source states none).
CREATE TABLE token_prices (
    chain_id      BIGINT       NOT NULL,
    token         TEXT         NOT NULL,
    source        TEXT         NOT NULL,
    minute        TIMESTAMPTZ  NOT NULL CHECK (date_trunc('minute', minute) = minute),
    quote         TEXT         NOT NULL,
    unit          TEXT         NOT NULL CHECK (unit IN ('base', 'whole')),
    price         NUMERIC      NOT NULL CHECK (price > 0),
    liquidity     NUMERIC      CHECK (liquidity >= 0),
    as_of         TIMESTAMPTZ  NOT NULL,
    block_number  BIGINT,
    PRIMARY KEY (chain_id, token, source, minute)
) PARTITION BY RANGE (minute);
CREATE INDEX token_prices_latest ON token_prices (chain_id, token, minute DESC);

-- Same day partitions and retention as the analytics tables.
INSERT INTO analytics_partitioned_tables VALUES ('token_prices', 'timestamptz');

-- Each price source's health as its writer last saw it (HTTP providers' breakers; on-chain sources report 'closed').
CREATE TABLE price_source_status (
    source        TEXT         PRIMARY KEY,
    breaker_state TEXT         NOT NULL CHECK (breaker_state IN ('closed', 'open', 'half_open', 'disabled')),
    calls         BIGINT       NOT NULL DEFAULT 0,
    errors        BIGINT       NOT NULL DEFAULT 0,
    last_success  TIMESTAMPTZ,
    last_error    TEXT,
    updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
);
