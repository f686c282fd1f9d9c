-- Write-path cost (issue 8), continued from V8.1: one B-tree insertion fewer per string row and per version.
-- * idx_spidx_string_exact goes. Every row's value_normalized is SearchParamNormalizer.normalize(value_exact) (the
--   extractor writes both from the same string), so a row with value_exact = x also has value_normalized =
--   normalize(x): an :exact search now asks for both and is found through idx_spidx_string_norm (text_pattern_ops
--   serves = as well as LIKE 'prefix%'); SearchPlanTest holds that plan. Six of a Patient's fourteen rows are strings.
-- * resource_version had a primary key (res_type, res_id, version) and idx_resource_version_head (res_type, res_id,
--   version DESC, block_height) of V3: two B-trees over the same leading columns. One unique index in the head
--   index's order, with block_height carried for the index-only DISTINCT ON scans, now does both jobs (a version
--   is still unique per resource, and instance history reads it backwards).
-- (Versioned 8.2, after 8.1, to stay clear of the numbers other branches may take.)
DROP INDEX idx_spidx_string_exact;

CREATE UNIQUE INDEX idx_resource_version_key ON resource_version (res_type, res_id, version DESC) INCLUDE (block_height);
ALTER TABLE resource_version DROP CONSTRAINT resource_version_pkey;
DROP INDEX idx_resource_version_head;
