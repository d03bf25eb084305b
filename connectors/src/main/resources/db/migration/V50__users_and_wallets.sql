-- Users and their wallets (owned by query-api: io.chaintrack.api.wallets.WalletStore writes them; the pipeline
-- never reads them). A user is an OpenID Connect identity: the issuer and the subject of its tokens.
CREATE TABLE api_users (
    user_id     BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    issuer      TEXT        NOT NULL,
    subject     TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (issuer, subject)
);

-- A machine key may act for a user (its wallets); NULL for keys of no user.
ALTER TABLE api_keys ADD COLUMN user_id BIGINT REFERENCES api_users (user_id) ON DELETE CASCADE;

-- A user's wallet: one address on one chain. The chain's data (transfers, balances) is shared and stays when a
-- wallet is deleted; everything here is per user. seq orders a user's wallets for keyset paging.
CREATE TABLE wallets (
    wallet_id   TEXT        PRIMARY KEY,
    user_id     BIGINT      NOT NULL REFERENCES api_users (user_id) ON DELETE CASCADE,
    seq         BIGINT      GENERATED ALWAYS AS IDENTITY,
    chain_id    BIGINT      NOT NULL CHECK (chain_id > 0),
    address     TEXT        NOT NULL CHECK (address ~ '^0x[0-9a-f]{40}$'),
    label       TEXT        NOT NULL DEFAULT '',
    tags        TEXT[]      NOT NULL DEFAULT '{}',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (user_id, chain_id, address)
);
CREATE INDEX wallets_user_seq ON wallets (user_id, seq);
CREATE INDEX wallets_user_tags ON wallets USING gin (tags);
