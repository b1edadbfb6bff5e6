-- Webhook shared secrets are kept sealed under the server key (as task credentials are). Rows written before this
-- hold plaintext: FALSE marks them until the next start seals them (the key is not available to a migration).
ALTER TABLE webhooks ADD COLUMN secret_sealed BOOLEAN NOT NULL DEFAULT FALSE;
