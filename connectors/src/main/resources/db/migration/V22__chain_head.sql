-- The chain head the follower last saw, for the API's chain status (blocks behind head). Nullable: a
-- pipeline that does not record it leaves them NULL and the API reports the head as unknown.
-- Writer: the balance job, from ChainEvent.head_number of each event (keep the maximum; head_seen_at is
-- the processing time at which that head was seen).
ALTER TABLE chains ADD COLUMN IF NOT EXISTS head_number BIGINT CHECK (head_number >= 0);
ALTER TABLE chains ADD COLUMN IF NOT EXISTS head_seen_at TIMESTAMPTZ;
