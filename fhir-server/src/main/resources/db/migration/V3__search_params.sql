-- Search parameter index rows, one narrow table per parameter type (HAPI JPA's HFJ_SPIDX_* design). A row is
-- valid for the block heights [valid_from, valid_to): a new version or a delete of a resource closes the rows
-- of its previous version (valid_to = that block's height) instead of deleting them, so a search evaluated
-- as of block height H (and all its pages) sees exactly the rows of the versions that were current at H.
-- The V1 token/string tables were never written: they are replaced.
DROP TABLE spidx_token;
DROP TABLE spidx_string;

CREATE TABLE spidx_token (
    res_type    varchar(64)  NOT NULL,
    res_id      varchar(64)  NOT NULL,
    sp_name     varchar(100) NOT NULL,
    sp_system   text,                 -- null: the value has no system
    sp_value    text,                 -- null: a system without a code
    valid_from  bigint       NOT NULL,
    valid_to    bigint
);
CREATE INDEX idx_spidx_token_value ON spidx_token (res_type, sp_name, sp_value, sp_system);
CREATE INDEX idx_spidx_token_system ON spidx_token (res_type, sp_name, sp_system);
CREATE INDEX idx_spidx_token_open ON spidx_token (res_type, res_id) WHERE valid_to IS NULL;

CREATE TABLE spidx_string (
    res_type          varchar(64)  NOT NULL,
    res_id            varchar(64)  NOT NULL,
    sp_name           varchar(100) NOT NULL,
    value_normalized  text         NOT NULL,   -- accents stripped, lower case
    value_exact       text         NOT NULL,
    valid_from        bigint       NOT NULL,
    valid_to          bigint
);
CREATE INDEX idx_spidx_string_norm ON spidx_string (res_type, sp_name, value_normalized text_pattern_ops);
CREATE INDEX idx_spidx_string_exact ON spidx_string (res_type, sp_name, value_exact);
CREATE INDEX idx_spidx_string_open ON spidx_string (res_type, res_id) WHERE valid_to IS NULL;

-- A date, dateTime, instant or Period as the half-open range [value_low, value_high) it covers at its precision.
CREATE TABLE spidx_date (
    res_type    varchar(64)  NOT NULL,
    res_id      varchar(64)  NOT NULL,
    sp_name     varchar(100) NOT NULL,
    value_low   timestamptz  NOT NULL,
    value_high  timestamptz  NOT NULL,
    valid_from  bigint       NOT NULL,
    valid_to    bigint
);
CREATE INDEX idx_spidx_date_low ON spidx_date (res_type, sp_name, value_low);
CREATE INDEX idx_spidx_date_high ON spidx_date (res_type, sp_name, value_high);
CREATE INDEX idx_spidx_date_open ON spidx_date (res_type, res_id) WHERE valid_to IS NULL;

-- A local reference (target_type/target_id) or an absolute or canonical one (target_url).
CREATE TABLE spidx_reference (
    res_type     varchar(64)  NOT NULL,
    res_id       varchar(64)  NOT NULL,
    sp_name      varchar(100) NOT NULL,
    target_type  varchar(64),
    target_id    varchar(64),
    target_url   text,
    valid_from   bigint       NOT NULL,
    valid_to     bigint
);
CREATE INDEX idx_spidx_reference_target ON spidx_reference (res_type, sp_name, target_id, target_type);
CREATE INDEX idx_spidx_reference_url ON spidx_reference (res_type, sp_name, target_url);
CREATE INDEX idx_spidx_reference_open ON spidx_reference (res_type, res_id) WHERE valid_to IS NULL;

CREATE TABLE spidx_uri (
    res_type    varchar(64)  NOT NULL,
    res_id      varchar(64)  NOT NULL,
    sp_name     varchar(100) NOT NULL,
    uri         text         NOT NULL,
    valid_from  bigint       NOT NULL,
    valid_to    bigint
);
CREATE INDEX idx_spidx_uri_value ON spidx_uri (res_type, sp_name, uri text_pattern_ops);
CREATE INDEX idx_spidx_uri_open ON spidx_uri (res_type, res_id) WHERE valid_to IS NULL;

-- Heads as of a height (DISTINCT ON res_id ORDER BY version DESC) read this index.
CREATE INDEX idx_resource_version_head ON resource_version (res_type, res_id, version DESC, block_height);
