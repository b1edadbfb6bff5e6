-- Assets: the public fields as columns, nested parts as JSON text. Files live under <playback_id>/ in the
-- object store.
CREATE TABLE assets (
    id                    TEXT PRIMARY KEY,
    playback_id           TEXT NOT NULL UNIQUE,
    user_id               TEXT NOT NULL REFERENCES users (id),
    project_id            TEXT NOT NULL,
    name                  TEXT NOT NULL,
    source                TEXT NOT NULL,
    source_url            TEXT,
    creator_id            TEXT,
    profiles              TEXT,
    playback_policy       TEXT,
    static_mp4            BOOLEAN NOT NULL DEFAULT FALSE,
    target_segment_secs   ${double},
    phase                 TEXT NOT NULL,
    progress              ${double},
    error_message         TEXT,
    updated_at            BIGINT NOT NULL,
    created_at            BIGINT NOT NULL,
    created_by_token_name TEXT,
    size                  BIGINT,
    hash                  TEXT,
    video_spec            TEXT,
    files                 TEXT,
    task_id               TEXT,
    deleted_at            BIGINT
);

CREATE INDEX assets_owner_created ON assets (user_id, project_id, created_at);
CREATE INDEX assets_source_url ON assets (user_id, project_id, source_url);
CREATE INDEX assets_phase ON assets (phase);

-- Direct and resumable uploads: a single-use token (stored hashed) per asset, and the bytes received so far.
CREATE TABLE uploads (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    asset_id    TEXT NOT NULL REFERENCES assets (id),
    task_id     TEXT NOT NULL,
    length      BIGINT,
    received    BIGINT NOT NULL DEFAULT 0,
    metadata    TEXT,
    created_at  BIGINT NOT NULL,
    completed_at BIGINT
);
