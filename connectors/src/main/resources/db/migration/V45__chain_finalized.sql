-- The chain's finalized block as the pipeline last recorded it: blocks at or below it can no longer be reorged out,
-- so the API marks rows at or below it finalized and serves finality=finalized answers from it. NULL: none recorded
-- (nothing is marked final). Writer: the balance job, from ChainEvent.finalized_number, which the ingest job stamps
-- by its finality policy; the sink keeps the maximum, so the value never moves back.
ALTER TABLE chains ADD COLUMN IF NOT EXISTS finalized_number BIGINT CHECK (finalized_number >= 0);
