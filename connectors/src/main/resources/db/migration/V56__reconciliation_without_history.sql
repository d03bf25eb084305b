-- On a chain followed from a start block (watch-only), an account's history below the first indexed block is known
-- only once its wallet history sync is done (opening_balances). The reconciler compares such an account's served
-- balance (current + opening) with the node's; a balance whose history is not known cannot be proven and is counted
-- here instead of being reported as a mismatch.
ALTER TABLE reconciliation_runs ADD COLUMN balances_without_history BIGINT NOT NULL DEFAULT 0;
