-- A clip asset names the asset it was cut from, so an asset's clips can be listed.
ALTER TABLE assets ADD COLUMN clip_of TEXT;

CREATE INDEX assets_clip_of ON assets (clip_of, created_at);
