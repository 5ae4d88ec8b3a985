-- The quarantine reason in Chinese, for the office app in zh (rows from
-- before this migration keep only the English reason).
ALTER TABLE quarantine ADD COLUMN reason_zh TEXT;
