-- The covering address indexes of V26 carry every column an address page reads; pages now also read kind, so the
-- indexes are rebuilt with it, or every address page would visit the heap again. Same keys and predicate; built
-- CONCURRENTLY (ingestion continues), so Flyway runs this file outside a transaction. Interrupted: drop the INVALID
-- new index, `flyway repair`, migrate again (as for V26).
CREATE INDEX CONCURRENTLY transfers_from_cover_kind_idx ON transfers
    (chain_id, from_address, block_number DESC, tx_index DESC, log_index DESC, batch_index DESC, trace_address DESC)
    INCLUDE (block_hash, block_time, tx_hash, token, standard, to_address, amount, token_id, operator, kind)
    WHERE canonical;
CREATE INDEX CONCURRENTLY transfers_to_cover_kind_idx ON transfers
    (chain_id, to_address, block_number DESC, tx_index DESC, log_index DESC, batch_index DESC, trace_address DESC)
    INCLUDE (block_hash, block_time, tx_hash, token, standard, from_address, amount, token_id, operator, kind)
    WHERE canonical;
DROP INDEX CONCURRENTLY IF EXISTS transfers_from_cover_idx;
DROP INDEX CONCURRENTLY IF EXISTS transfers_to_cover_idx;
