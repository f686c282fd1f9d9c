-- Number, quantity and composite search parameters (issue 7), valid over [valid_from, valid_to) block heights
-- like the V3 tables. Numbers and quantities are ranges [value_low, value_high]: a decimal or integer is a
-- point (low = high), a Range its bounds. Numbers are numeric, never floating point, so 0.1 + 0.2 stays 0.3.
-- (Versioned 4.2: the result-shaping branch takes 4.1.)

CREATE TABLE spidx_number (
    res_type    varchar(64)  NOT NULL,
    res_id      varchar(64)  NOT NULL,
    sp_name     varchar(100) NOT NULL,
    value_low   numeric      NOT NULL,
    value_high  numeric      NOT NULL,
    valid_from  bigint       NOT NULL,
    valid_to    bigint
);
CREATE INDEX idx_spidx_number_low ON spidx_number (res_type, sp_name, value_low);
CREATE INDEX idx_spidx_number_high ON spidx_number (res_type, sp_name, value_high);
CREATE INDEX idx_spidx_number_open ON spidx_number (res_type, res_id) WHERE valid_to IS NULL;

-- A Quantity (also Age, Duration, Money, SampledData origin) or a Range of quantities. The canonical columns
-- hold the value in the UCUM base unit when the system is UCUM and the code is one the server converts
-- (search/UcumUnits: metric prefixes of g, m, L, s, mol, eq, and min/h/d/wk); otherwise they repeat code and value.
CREATE TABLE spidx_quantity (
    res_type        varchar(64)  NOT NULL,
    res_id          varchar(64)  NOT NULL,
    sp_name         varchar(100) NOT NULL,
    value_low       numeric      NOT NULL,
    value_high      numeric      NOT NULL,
    system          text,
    code            text,
    unit            text,
    canonical_code  text,
    canonical_low   numeric      NOT NULL,
    canonical_high  numeric      NOT NULL,
    valid_from      bigint       NOT NULL,
    valid_to        bigint
);
-- Both ends are indexed for each form of search: eq/lt/le/sa/ap read value_low, gt/ge/eb value_high.
CREATE INDEX idx_spidx_quantity_canonical_low ON spidx_quantity (res_type, sp_name, canonical_code, canonical_low);
CREATE INDEX idx_spidx_quantity_canonical_high ON spidx_quantity (res_type, sp_name, canonical_code, canonical_high);
-- number||code matches the code or the unit text, in any system
CREATE INDEX idx_spidx_quantity_code ON spidx_quantity (res_type, sp_name, code);
CREATE INDEX idx_spidx_quantity_unit ON spidx_quantity (res_type, sp_name, unit);
-- a number without units
CREATE INDEX idx_spidx_quantity_low ON spidx_quantity (res_type, sp_name, value_low);
CREATE INDEX idx_spidx_quantity_high ON spidx_quantity (res_type, sp_name, value_high);
CREATE INDEX idx_spidx_quantity_open ON spidx_quantity (res_type, res_id) WHERE valid_to IS NULL;

-- One row per combination of a composite parameter's two components taken from the same element (e.g. one
-- Observation.component's code and its value), so code-value-quantity never pairs one component's code with
-- another's value. Each component i has the columns of its type: token and reference in ci_system/ci_value
-- (reference: target type or null / id or url), string in ci_value (normalised), number and quantity in
-- ci_low/ci_high (quantity: canonical value, ci_system = system, ci_value = canonical code, ci_unit = unit),
-- date in ci_date_low/ci_date_high. Every R4 composite has two components.
CREATE TABLE spidx_composite (
    res_type      varchar(64)  NOT NULL,
    res_id        varchar(64)  NOT NULL,
    sp_name       varchar(100) NOT NULL,
    c1_system     text,
    c1_value      text,
    c1_unit       text,
    c1_low        numeric,
    c1_high       numeric,
    c1_date_low   timestamptz,
    c1_date_high  timestamptz,
    c2_system     text,
    c2_value      text,
    c2_unit       text,
    c2_low        numeric,
    c2_high       numeric,
    c2_date_low   timestamptz,
    c2_date_high  timestamptz,
    valid_from    bigint       NOT NULL,
    valid_to      bigint
);
CREATE INDEX idx_spidx_composite_first ON spidx_composite (res_type, sp_name, c1_value, c1_system);
CREATE INDEX idx_spidx_composite_open ON spidx_composite (res_type, res_id) WHERE valid_to IS NULL;
