-- Write-path cost (issue 8): every index a spidx row carries is one more B-tree insertion and WAL record per row on
-- every node. These indexes are covered by others, so they only cost:
-- * the partial "open" indexes (res_type, res_id) WHERE valid_to IS NULL of V3 on the tables that V4.1 gave a full
--   (res_type, res_id, sp_name) index: closing a resource's rows (SearchParamWriter, ReindexJobs) and every lookup by
--   resource find its few rows through the full index and test valid_to on them (SearchPlanTest holds the plans).
--   spidx_uri, spidx_number, spidx_quantity and spidx_composite have no such index and keep theirs.
-- * idx_resource_version_height (res_type, block_height): idx_resource_version_type_chain_order of V2 starts with the
--   same two columns.
-- (Versioned 8.1, after 5.7, to stay clear of the numbers other branches may take.)
DROP INDEX idx_spidx_string_open;
DROP INDEX idx_spidx_token_open;
DROP INDEX idx_spidx_date_open;
DROP INDEX idx_spidx_reference_open;
DROP INDEX idx_resource_version_height;
