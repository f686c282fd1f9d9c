-- A quantity component of a composite also keeps its value and code as written, next to the canonical ones of V4.2:
-- a search value without units or with a code only (`...$5`, `...$5||mmol/L`) compares with the resource's own
-- value, as quantity parameters do (value_low/high), while `...$5|system|code` keeps using the canonical columns.
-- Before this, `code-value-quantity=http://loinc.org|29463-7$gt70` compared 70 with the weight in grams.
-- Rows indexed before this migration have nulls here and are found by those searches after `fhir-ledger reindex`.
ALTER TABLE spidx_composite
    ADD COLUMN c1_code     text,
    ADD COLUMN c1_raw_low  numeric,
    ADD COLUMN c1_raw_high numeric,
    ADD COLUMN c2_code     text,
    ADD COLUMN c2_raw_low  numeric,
    ADD COLUMN c2_raw_high numeric;
