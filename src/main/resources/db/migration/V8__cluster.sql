-- What every process of a cluster must share, recorded by the first process that starts on this database and
-- checked by every later one: the object store (where it is, and the id of the marker object written into it, which
-- proves that a process reaches the same store whatever address it uses) and a fingerprint of the server key
-- (never the key). One row, id 1.
CREATE TABLE cluster_settings (
    id              INTEGER PRIMARY KEY,
    object_store    TEXT NOT NULL,
    store_marker    TEXT NOT NULL,
    key_fingerprint TEXT NOT NULL,
    recorded_at     BIGINT NOT NULL
);

-- Worker processes: each adds itself at start, renews last_seen while it runs and removes itself when it stops
-- cleanly; a row whose last_seen is old belongs to a worker that died. task_types is a comma-separated list of the
-- task types the worker claims.
CREATE TABLE workers (
    id         TEXT PRIMARY KEY,
    host       TEXT NOT NULL,
    pid        BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    task_types TEXT NOT NULL,
    version    TEXT NOT NULL
);

CREATE INDEX workers_last_seen ON workers (last_seen);
