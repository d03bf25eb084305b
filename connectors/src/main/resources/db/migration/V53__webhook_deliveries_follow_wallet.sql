-- A completion webhook delivery is a per-user row (the user's URL and the body naming their wallet): deleting the
-- wallet deletes its deliveries, so a deleted wallet's pending delivery is never sent.
DELETE FROM wallet_webhook_deliveries d WHERE NOT EXISTS (SELECT 1 FROM wallets w WHERE w.wallet_id = d.wallet_id);
ALTER TABLE wallet_webhook_deliveries ADD CONSTRAINT wallet_webhook_deliveries_wallet_fk
    FOREIGN KEY (wallet_id) REFERENCES wallets (wallet_id) ON DELETE CASCADE;
CREATE INDEX wallet_webhook_deliveries_wallet ON wallet_webhook_deliveries (wallet_id);
