-- When a queue entry gave up (epoch milliseconds); failed entries are purged after SMTP_QUEUE_FAILED_RETENTION.
ALTER TABLE outbound_messages ADD COLUMN failed_at INTEGER;
