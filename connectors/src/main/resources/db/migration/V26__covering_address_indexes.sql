-- Address listings as index-only scans (owned by query-api). The V1 indexes of the two sides of a transfer
-- give the order of a page but every row of it is then a random heap page (an address's transfers are spread
-- over the whole table): a 20-row page costs about 20 heap page reads. These covering versions carry every
-- column a page, a live stream or a balance-at sum reads, so a page reads one or two leaf pages per side once
-- the table is vacuumed (the visibility map marks pages all-visible; rows newer than the last vacuum still visit
-- the heap). They replace the V1 indexes (same keys, same predicate) at the price of size: about 3.7 GB each at
-- 10M transfers instead of about 1 GB (docs/benchmarks.md).
-- Every statement is CONCURRENTLY (ingestion continues), so Flyway runs this file outside a transaction.
-- No IF NOT EXISTS on the builds: an interrupted concurrent build leaves an INVALID index of that name, which
-- IF NOT EXISTS would accept silently before the old indexes are dropped; a rerun fails loudly on it instead
-- (drop it, `flyway repair`, migrate again).
CREATE INDEX CONCURRENTLY transfers_from_cover_idx ON transfers
    (chain_id, from_address, block_number DESC, tx_index DESC, log_index DESC, batch_index DESC, trace_address DESC)
    INCLUDE (block_hash, block_time, tx_hash, token, standard, to_address, amount, token_id, operator)
    WHERE canonical;
CREATE INDEX CONCURRENTLY transfers_to_cover_idx ON transfers
    (chain_id, to_address, block_number DESC, tx_index DESC, log_index DESC, batch_index DESC, trace_address DESC)
    INCLUDE (block_hash, block_time, tx_hash, token, standard, from_address, amount, token_id, operator)
    WHERE canonical;
DROP INDEX CONCURRENTLY IF EXISTS transfers_from_idx;
DROP INDEX CONCURRENTLY IF EXISTS transfers_to_idx;
