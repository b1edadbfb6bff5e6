-- Webhook subscriptions. The shared secret is only ever read to sign deliveries; the last-attempt status lives in
-- plain columns so that every attempt can update it with one statement.
CREATE TABLE webhooks (
    id                    TEXT PRIMARY KEY,
    user_id               TEXT NOT NULL REFERENCES users (id),
    project_id            TEXT NOT NULL,
    name                  TEXT NOT NULL,
    url                   TEXT NOT NULL,
    events                TEXT NOT NULL,
    shared_secret         TEXT,
    stream_id             TEXT,
    created_at            BIGINT NOT NULL,
    deleted_at            BIGINT,
    last_triggered_at     BIGINT,
    last_failure_at       BIGINT,
    last_failure_error    TEXT,
    last_failure_response TEXT,
    last_failure_status   INTEGER
);

CREATE INDEX webhooks_owner ON webhooks (user_id, project_id, created_at);

-- Outbox of deliveries: one row per (event, subscribed webhook), inserted in the transaction of the state change.
-- position orders the events of one resource; run_after is when the row is next due (a claim moves it to the end
-- of the claimer's lease, so a crashed claimer's row comes due again by itself).
CREATE TABLE webhook_deliveries (
    position    ${autoIncrementKey},
    webhook_id  TEXT NOT NULL REFERENCES webhooks (id),
    event_id    TEXT NOT NULL,
    event       TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    payload     TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    run_after   BIGINT NOT NULL,
    lease_owner TEXT,
    finished_at BIGINT
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, run_after);
CREATE INDEX webhook_deliveries_resource ON webhook_deliveries (webhook_id, resource_id, state, position);

-- One row per request actually sent (deliveries, their retries and resends), as the webhook-log schema shows it.
CREATE TABLE webhook_logs (
    id                   TEXT PRIMARY KEY,
    webhook_id           TEXT NOT NULL REFERENCES webhooks (id),
    event_id             TEXT NOT NULL,
    event                TEXT NOT NULL,
    created_at           BIGINT NOT NULL,
    duration             ${double} NOT NULL,
    success              BOOLEAN NOT NULL,
    request_url          TEXT NOT NULL,
    request_method       TEXT NOT NULL,
    request_headers      TEXT NOT NULL,
    request_body         TEXT NOT NULL,
    response_status      INTEGER,
    response_status_text TEXT,
    response_body        TEXT
);

CREATE INDEX webhook_logs_webhook ON webhook_logs (webhook_id, created_at);
