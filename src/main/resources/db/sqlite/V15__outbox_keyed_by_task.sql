-- The outbox's rows are read by their task and number (the event stream, the pruning of old events) and by nothing
-- else, so that pair's unique index is now the table's only one. The row number and the unique text id each row
-- carried were written for every event and read by no one, yet each had an index: they took 15 % of the WAL a task
-- writes and half the table's index size. The id stays as a plain column that Spool no longer writes, for a process of an earlier version
-- that still does; a later migration drops it.
-- SQLite drops neither a key column nor a unique one: the table is rebuilt. (Only one process opens a SQLite store,
-- so no other writes while it is.)
CREATE TABLE task_events_by_task (
    task_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    event      TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    project_id TEXT NOT NULL,
    snapshot   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    id         TEXT,
    UNIQUE (task_id, seq)
);
INSERT INTO task_events_by_task (task_id, seq, event, user_id, project_id, snapshot, created_at, id)
SELECT task_id, seq, event, user_id, project_id, snapshot, created_at, id FROM task_events;
DROP TABLE task_events;
ALTER TABLE task_events_by_task RENAME TO task_events;
