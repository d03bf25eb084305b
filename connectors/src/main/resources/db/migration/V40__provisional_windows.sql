-- The open window of every resolution is kept at head: the balance job writes its running balance as blocks arrive
-- with provisional = true, and rewrites it with provisional = false once the watermark passes the window's end.
-- Rows written before this migration are all of closed windows.
ALTER TABLE balance_windows ADD COLUMN provisional BOOLEAN NOT NULL DEFAULT false;
