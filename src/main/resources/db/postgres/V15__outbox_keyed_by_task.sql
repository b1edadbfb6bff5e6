-- The outbox's rows are read by their task and number (the event stream, the pruning of old events) and by nothing
-- else, so that pair's unique index is now the table's only one. The row number and the unique text id each row
-- carried were written for every event and read by no one, yet each had an index: they took 15 % of the WAL a task
-- writes and half the table's index size. The id stays as a plain column that Spool no longer writes, for a process
-- of an earlier version that still does while a cluster is upgraded; a later migration drops it.
-- Altered in place, not copied: each step changes the catalog only, and a process of the earlier version writing
-- events meanwhile waits for the lock instead of writing into a table about to be dropped.
ALTER TABLE task_events DROP COLUMN position;
ALTER TABLE task_events DROP CONSTRAINT task_events_id_key;
ALTER TABLE task_events ALTER COLUMN id DROP NOT NULL;
-- Logical replication finds a deleted row by the table's primary key, gone with the row number: by the pair instead.
ALTER TABLE task_events REPLICA IDENTITY USING INDEX task_events_task_id_seq_key;
