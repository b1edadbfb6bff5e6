-- An asset's IPFS copy (storage.ipfs: spec, CIDs) and the state of the export that keeps it (storage.status).
ALTER TABLE assets ADD COLUMN storage TEXT;
