-- Accounts: a user owns projects; an API key belongs to one project. Keys are stored only as SHA-256 hashes.
CREATE TABLE users (
    id                 TEXT PRIMARY KEY,
    email              TEXT NOT NULL UNIQUE,
    admin              BOOLEAN NOT NULL,
    default_project_id TEXT,
    created_at         BIGINT NOT NULL
);

CREATE TABLE projects (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id         TEXT PRIMARY KEY,
    key_hash   TEXT NOT NULL UNIQUE,
    user_id    TEXT NOT NULL REFERENCES users (id),
    project_id TEXT NOT NULL REFERENCES projects (id),
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

-- Tasks: public fields as columns (params and output as JSON text), then the engine's own columns.
CREATE TABLE tasks (
    id               TEXT PRIMARY KEY,
    type             TEXT NOT NULL,
    user_id          TEXT NOT NULL REFERENCES users (id),
    project_id       TEXT NOT NULL,
    input_asset_id   TEXT,
    output_asset_id  TEXT,
    requester_id     TEXT,
    created_at       BIGINT NOT NULL,
    scheduled_at     BIGINT,
    params           TEXT NOT NULL,
    phase            TEXT NOT NULL,
    updated_at       BIGINT NOT NULL,
    progress         ${double},
    error_message    TEXT,
    error_code       TEXT,
    retries          INTEGER,
    step             TEXT,
    output           TEXT,
    attempt          INTEGER NOT NULL DEFAULT 0,
    run_after        BIGINT,
    lease_owner      TEXT,
    lease_expires_at BIGINT,
    cancel_requested BOOLEAN NOT NULL DEFAULT FALSE,
    started_at       BIGINT
);

CREATE INDEX tasks_owner_created ON tasks (user_id, project_id, created_at);
CREATE INDEX tasks_phase_due ON tasks (phase, run_after);

-- Outbox: every task state change appends one row in the same transaction, numbered per task.
CREATE TABLE task_events (
    position   ${autoIncrementKey},
    id         TEXT NOT NULL UNIQUE,
    task_id    TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    event      TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    project_id TEXT NOT NULL,
    snapshot   TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (task_id, seq)
);
