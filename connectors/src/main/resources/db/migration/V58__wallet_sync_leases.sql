-- Leases let several sync workers share a chain: a worker owns a running sync while claimed_by names it; every
-- progress write requires that and pushes lease_until forward (DB clock, so workers on other machines agree). Once
-- lease_until has passed (the worker was killed or hung), another worker may claim the sync and resume from its
-- cursors; the old one's next write then matches no row and it stops. NULL lease_until (a sync running before V58,
-- or a lease released by a graceful shutdown) is free at once.
ALTER TABLE wallet_syncs ADD COLUMN claimed_by TEXT;
ALTER TABLE wallet_syncs ADD COLUMN lease_until TIMESTAMPTZ;
