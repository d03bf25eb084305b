-- ERC-721 holdings: the owner of every token id the balance job has seen move, exact through reorgs.
-- An APPLIED transfer makes `to` the owner at its block; a REVERTED one gives the token back to `from`,
-- valid at the reverted block's number - 1 (block_time then stays the reverted block's time, as in
-- current_balances: the parent's time is not in the event). A burn (or a reverted mint) keeps its row
-- with owner = the zero address, so "not held by anyone" is a row, not a missing one.
CREATE TABLE nft_owners (
    chain_id        BIGINT        NOT NULL,
    token           TEXT          NOT NULL,
    token_id        NUMERIC(78,0) NOT NULL,
    owner           TEXT          NOT NULL,
    block_number    BIGINT        NOT NULL,
    block_time      TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (chain_id, token, token_id)
);
-- Which NFTs an address holds, per token.
CREATE INDEX nft_owners_owner_idx ON nft_owners (chain_id, owner, token);
