-- Why a transfer moved value (events.proto TransferKind, lower case without the prefix): the balance job writes it
-- for every transfer of the EVM follower. NULL for rows written before this column existed and for the synthetic
-- chain, whose events carry no kind; the API serves NULL as TRANSFER_KIND_UNSPECIFIED.
ALTER TABLE transfers ADD COLUMN kind TEXT CHECK (kind IN ('log', 'call', 'internal', 'fee', 'burn', 'withdrawal',
    'selfdestruct', 'block_reward', 'uncle_reward', 'genesis', 'irregular'));
