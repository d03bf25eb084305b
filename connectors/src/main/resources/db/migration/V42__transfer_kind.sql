-- Why a transfer moved value (events.proto TransferKind, lower case without the prefix: 'fee', 'block_reward'): the
-- balance job writes it for every transfer of the EVM follower. NULL for rows written before this column existed and
-- for the synthetic chain, whose events carry no kind; the API serves NULL as TRANSFER_KIND_UNSPECIFIED. The check is
-- on the spelling only, not a list: TransferKind grows (append-only), and a new kind must not need a migration.
ALTER TABLE transfers ADD COLUMN kind TEXT CHECK (kind ~ '^[a-z][a-z0-9_]*$');
