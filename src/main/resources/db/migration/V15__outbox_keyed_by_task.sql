-- The outbox's rows are read by their task and number (the event stream, the pruning of old events) and by nothing
-- else, so that pair is now the table's key. The row number and the text id each row carried were written for every
-- event and read by no one, yet each had an index: they took 15 % of the WAL a task writes and half the table's index
-- size. The table is rebuilt rather than altered: SQLite drops neither a key column nor a unique one.
CREATE TABLE task_events_by_task (
    task_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    event      TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    project_id TEXT NOT NULL,
    snapshot   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (task_id, seq)
);
INSERT INTO task_events_by_task (task_id, seq, event, user_id, project_id, snapshot, created_at)
SELECT task_id, seq, event, user_id, project_id, snapshot, created_at FROM task_events;
DROP TABLE task_events;
ALTER TABLE task_events_by_task RENAME TO task_events;
