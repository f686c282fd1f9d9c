-- Write-path cost (issue 8): every index a spidx row carries is one more B-tree insertion and WAL record per row on
-- every node, and an index that reads valid_to (the partial "open" indexes of V3, WHERE valid_to IS NULL) makes the
-- UPDATE that closes a resource's rows at its next version a non-HOT update: a new heap tuple with a new entry in
-- every index of the table. Measured by IndexSqlCostComparison (docs/benchmarks.md): PostgreSQL CPU per created
-- Patient -13 %, per updated Patient -28 %.
-- * The open indexes of the tables that V4.1 gave a full (res_type, res_id, sp_name) index are dropped: closing a
--   resource's rows (SearchParamWriter, ReindexJobs) and every lookup by resource find its rows through the full index
--   and test valid_to on them (SearchPlanTest holds the plans).
-- * The other tables get the same full index in place of their open one (one index per row as before, but valid_to in
--   none), as the first ones have for _sort and _include.
-- * idx_resource_version_height (res_type, block_height): idx_resource_version_type_chain_order of V2 starts with the
--   same two columns.
-- (Versioned 8.1, after 5.7, to stay clear of the numbers other branches may take.)
DROP INDEX idx_spidx_string_open;
DROP INDEX idx_spidx_token_open;
DROP INDEX idx_spidx_date_open;
DROP INDEX idx_spidx_reference_open;

DROP INDEX idx_spidx_uri_open;
CREATE INDEX idx_spidx_uri_resource ON spidx_uri (res_type, res_id, sp_name);
DROP INDEX idx_spidx_number_open;
CREATE INDEX idx_spidx_number_resource ON spidx_number (res_type, res_id, sp_name);
DROP INDEX idx_spidx_quantity_open;
CREATE INDEX idx_spidx_quantity_resource ON spidx_quantity (res_type, res_id, sp_name);
DROP INDEX idx_spidx_composite_open;
CREATE INDEX idx_spidx_composite_resource ON spidx_composite (res_type, res_id, sp_name);

DROP INDEX idx_resource_version_height;
