-- The queue a claim walks: each user's waiting tasks, oldest due first. It holds only waiting rows, so it stays as
-- small as the queue however long the history, and a claim steps from one user with work to the next in it.
CREATE INDEX tasks_waiting_user ON tasks (user_id, run_after) WHERE phase = 'waiting';

-- Every change of phase rewrites a task's index entries; these two now skip the rows they are never asked about
-- (a task no worker holds, a task with no parent), which is most rows most of the time.
DROP INDEX tasks_lease_owner;
CREATE INDEX tasks_lease_owner ON tasks (lease_owner) WHERE lease_owner IS NOT NULL;
DROP INDEX tasks_parent;
CREATE INDEX tasks_parent ON tasks (parent_id, phase) WHERE parent_id IS NOT NULL;
