-- Write-path cost (issue 8): some R4 search parameters' rows repeat other parameters' rows, and are no longer written
-- (SharedParamRows; a search, :missing or _sort on them reads the rows that hold their values):
-- * `phonetic` of Patient, Person, Practitioner and RelatedPerson has the same path as `name` and this server matches it
--   as `name`: 2 of a Patient's 12 parameter rows were name's again;
-- * Observation's `combo-*` parameters are the union of a parameter on the Observation and one on its components
--   (`combo-code` = `code` | `component-code`, likewise value-quantity, value-concept, data-absent-reason and the
--   code-value-quantity/-concept composites): about 40 % of a Synthea Observation's rows;
-- * CapabilityStatement `version` (= `fhirversion`) and CodeSystem `url` (= `system`).
-- The rows written before are removed here.
DELETE FROM spidx_string
 WHERE (sp_name = 'phonetic' AND res_type IN ('Patient', 'Person', 'Practitioner', 'RelatedPerson'))
    OR (res_type = 'Observation' AND sp_name IN ('combo-code:text', 'combo-data-absent-reason:text', 'combo-value-concept:text'));
DELETE FROM spidx_token
 WHERE (res_type = 'Observation' AND sp_name IN ('combo-code', 'combo-data-absent-reason', 'combo-value-concept'))
    OR (res_type = 'CapabilityStatement' AND sp_name = 'version');
DELETE FROM spidx_quantity WHERE res_type = 'Observation' AND sp_name = 'combo-value-quantity';
DELETE FROM spidx_composite WHERE res_type = 'Observation' AND sp_name IN ('combo-code-value-quantity', 'combo-code-value-concept');
DELETE FROM spidx_uri WHERE res_type = 'CodeSystem' AND sp_name = 'url';
