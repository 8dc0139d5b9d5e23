-- When the last counted delivery attempt ran (epoch milliseconds): an attempt that ETRN brings forward
-- before the retry schedule's time does not count against SMTP_QUEUE_MAX_ATTEMPTS.
ALTER TABLE outbound_messages ADD COLUMN last_attempt_at INTEGER;
