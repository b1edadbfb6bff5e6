-- Round-robin claiming between users: each claim stamps its user with the next number of a global sequence,
-- and the user stamped longest ago goes next.
ALTER TABLE users ADD COLUMN last_claim BIGINT NOT NULL DEFAULT 0;

CREATE INDEX tasks_owner_phase ON tasks (user_id, phase, run_after);
CREATE INDEX tasks_lease_owner ON tasks (lease_owner);
