-- History interactions (GET /_history, GET [type]/_history) list versions newest first in chain order, pinned to a
-- block height, and filter by meta.lastUpdated for _since/_at. Instance history uses the primary key.
CREATE INDEX idx_resource_version_chain_order ON resource_version (block_height DESC, last_updated DESC);
CREATE INDEX idx_resource_version_type_chain_order ON resource_version (res_type, block_height DESC, last_updated DESC);
