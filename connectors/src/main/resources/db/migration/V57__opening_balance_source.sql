-- Where an opening balance (an account's balance at its chain's first indexed block - 1) comes from: 'node', the
-- node's own eth_getBalance / balanceOf at that block (exact, whatever income no explorer lists: block production,
-- withdrawals, genesis allocations); 'history', the sum of the account's synced history rows below the block, used
-- where the node serves no state that old (a pruned, non-archive node). The reconciler treats a 'node' row of a done
-- sync as a known history.
ALTER TABLE opening_balances ADD COLUMN source TEXT NOT NULL DEFAULT 'history' CHECK (source IN ('history', 'node'));
