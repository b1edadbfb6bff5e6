-- Signing keys for playback tokens: only the public half is kept (the private one is shown once, at creation).
-- public_key is the base64 of the key's PEM, exactly the "pub" claim of the tokens it signs.
CREATE TABLE signing_keys (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id),
    project_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    public_key  TEXT NOT NULL UNIQUE,
    disabled    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  BIGINT NOT NULL,
    last_seen   BIGINT
);

CREATE INDEX signing_keys_owner ON signing_keys (user_id, project_id, created_at);

-- The RSA key pair that encrypted uploads are sealed to: one row, made by the first process that needs it, so that
-- every process of a cluster decrypts with the same key. The private half is sealed with the server's secret key.
CREATE TABLE upload_keys (
    id          TEXT PRIMARY KEY,
    public_key  TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
