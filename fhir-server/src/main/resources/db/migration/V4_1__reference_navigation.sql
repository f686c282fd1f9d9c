-- Result shaping and navigation (issue 7): _include, _revinclude, $everything and _sort read the parameter rows of
-- given resources as of a pinned height. The partial "open" indexes of V3 hold only rows with valid_to IS NULL, so
-- a lookup by resource at an older height could not use them: these indexes cover every row.
-- (Numbered 4.1 so that it sorts after V3 without taking the next whole number another branch may use.)
CREATE INDEX idx_spidx_reference_source ON spidx_reference (res_type, res_id, sp_name);
-- _revinclude, _has and compartments go from the target to the resources that refer to it.
CREATE INDEX idx_spidx_reference_target_any ON spidx_reference (target_id, target_type);
-- _sort on a parameter reads the rows of each matched resource.
CREATE INDEX idx_spidx_string_resource ON spidx_string (res_type, res_id, sp_name);
CREATE INDEX idx_spidx_token_resource ON spidx_token (res_type, res_id, sp_name);
CREATE INDEX idx_spidx_date_resource ON spidx_date (res_type, res_id, sp_name);
