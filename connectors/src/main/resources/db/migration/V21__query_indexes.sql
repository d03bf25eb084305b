-- Indexes of the query API's listings (owned by query-api). Built CONCURRENTLY so a deployment over a
-- populated transfers table (10M+ rows) keeps ingesting while they build; Flyway runs this file outside
-- a transaction because every statement in it is non-transactional.
-- Every transfer index is partial (WHERE canonical: the API never serves orphaned rows) and ordered like
-- the listing's keyset (block_number, tx_index, log_index, batch_index, trace_address) DESC, so a page is
-- one index range scan that stops after limit+1 entries.

-- all transfers of a token contract (or of the native coin)
CREATE INDEX CONCURRENTLY IF NOT EXISTS transfers_token_idx ON transfers
    (chain_id, token, block_number DESC, tx_index DESC, log_index DESC, batch_index DESC, trace_address DESC)
    WHERE canonical;

-- all transfers of a chain in a block range (and time ranges, narrowed to block ranges through blocks)
CREATE INDEX CONCURRENTLY IF NOT EXISTS transfers_block_idx ON transfers
    (chain_id, block_number DESC, tx_index DESC, log_index DESC, batch_index DESC, trace_address DESC)
    WHERE canonical;

-- the transfers of one transaction: few rows per hash, sorted after the look-up
CREATE INDEX CONCURRENTLY IF NOT EXISTS transfers_tx_idx ON transfers (chain_id, tx_hash) WHERE canonical;

-- time -> block number (first block at/after a time, last block at/before a time)
CREATE INDEX CONCURRENTLY IF NOT EXISTS blocks_canonical_time_idx ON blocks (chain_id, block_time, block_number)
    WHERE canonical;

-- the latest reorg of a chain: orphaned blocks are few, so this index stays tiny
CREATE INDEX CONCURRENTLY IF NOT EXISTS blocks_orphaned_idx ON blocks (chain_id, block_number DESC)
    WHERE NOT canonical;

-- every token's windows of one address at one resolution over a time range (portfolio history)
CREATE INDEX CONCURRENTLY IF NOT EXISTS balance_windows_address_size_idx ON balance_windows
    (chain_id, address, window_seconds, window_start);
