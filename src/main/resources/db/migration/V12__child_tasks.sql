-- A task may split its work into child tasks (a long input's chunks) that any worker claims like any other task.
-- Children are internal: every public read, count and event leaves out rows with a parent.
ALTER TABLE tasks ADD COLUMN parent_id TEXT;

CREATE INDEX tasks_parent ON tasks (parent_id, phase);
