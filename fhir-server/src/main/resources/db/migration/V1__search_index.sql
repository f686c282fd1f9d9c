-- FHIR Ledger search index, in the spirit of HAPI JPA's HFJ_RESOURCE / HFJ_RES_VER / HFJ_SPIDX_* tables,
-- with ledger coordinates (block height, transaction hash, origin node) on every row so that the whole
-- index can be rebuilt from the chain. Written by one SQL transaction per block.

-- Head (newest version) of each logical resource.
CREATE TABLE resource (
    res_type      varchar(64)  NOT NULL,
    res_id        varchar(64)  NOT NULL,
    version       bigint       NOT NULL,
    deleted       boolean      NOT NULL,
    last_updated  timestamptz  NOT NULL,
    content_id    varchar(128),            -- null for a delete
    block_height  bigint       NOT NULL,
    tx_hash       varchar(64)  NOT NULL,
    origin_node   varchar(128) NOT NULL,
    PRIMARY KEY (res_type, res_id)
);
-- Type-level search pages by newest first; deleted heads are never listed.
CREATE INDEX idx_resource_type_updated ON resource (res_type, last_updated DESC, res_id) WHERE NOT deleted;

-- Every version ever applied.
CREATE TABLE resource_version (
    res_type      varchar(64)  NOT NULL,
    res_id        varchar(64)  NOT NULL,
    version       bigint       NOT NULL,
    deleted       boolean      NOT NULL,
    last_updated  timestamptz  NOT NULL,
    content_id    varchar(128),
    block_height  bigint       NOT NULL,
    tx_hash       varchar(64)  NOT NULL,
    origin_node   varchar(128) NOT NULL,
    PRIMARY KEY (res_type, res_id, version)
);
-- Reads "as of height h" and truncation of a partially rebuilt index go by height.
CREATE INDEX idx_resource_version_height ON resource_version (res_type, block_height);

-- The last block this index applied (exactly-once: it moves in the same transaction as the rows).
-- Height 0 is the genesis, which carries no resources.
CREATE TABLE index_watermark (
    id            smallint     PRIMARY KEY CHECK (id = 1),
    block_height  bigint       NOT NULL,
    block_hash    varchar(64),
    updated_at    timestamptz  NOT NULL DEFAULT now()
);
INSERT INTO index_watermark (id, block_height, block_hash) VALUES (1, 0, NULL);

-- Token search parameters (_id, identifier, code, gender ...). Hashes are 64-bit values over
-- type|param[|system][|value] so that every predicate is one bigint B-tree lookup.
CREATE TABLE spidx_token (
    res_type            varchar(64)  NOT NULL,
    res_id              varchar(64)  NOT NULL,
    sp_name             varchar(100) NOT NULL,
    sp_missing          boolean      NOT NULL DEFAULT false,
    sp_system           varchar(200),
    sp_value            varchar(200),
    hash_identity       bigint       NOT NULL,
    hash_sys            bigint,
    hash_sys_and_value  bigint,
    hash_value          bigint,
    sp_updated          timestamptz  NOT NULL,
    block_height        bigint       NOT NULL,
    tx_hash             varchar(64)  NOT NULL
);
CREATE INDEX idx_sp_token_res ON spidx_token (res_type, res_id);
CREATE INDEX idx_sp_token_hash_identity ON spidx_token (hash_identity, res_id);
CREATE INDEX idx_sp_token_hash_s ON spidx_token (hash_sys, res_id);
CREATE INDEX idx_sp_token_hash_sv ON spidx_token (hash_sys_and_value, res_id);
CREATE INDEX idx_sp_token_hash_v ON spidx_token (hash_value, res_id);

-- String search parameters (name, family, address ...): normalised (accents and case folded) and exact.
CREATE TABLE spidx_string (
    res_type             varchar(64)  NOT NULL,
    res_id               varchar(64)  NOT NULL,
    sp_name              varchar(100) NOT NULL,
    sp_missing           boolean      NOT NULL DEFAULT false,
    sp_value_normalized  varchar(200),
    sp_value_exact       varchar(200),
    hash_identity        bigint       NOT NULL,
    hash_norm_prefix     bigint,
    hash_exact           bigint,
    sp_updated           timestamptz  NOT NULL,
    block_height         bigint       NOT NULL,
    tx_hash              varchar(64)  NOT NULL
);
CREATE INDEX idx_sp_string_res ON spidx_string (res_type, res_id);
CREATE INDEX idx_sp_string_hash_nrm ON spidx_string (hash_norm_prefix, sp_value_normalized varchar_pattern_ops, res_id);
CREATE INDEX idx_sp_string_hash_exct ON spidx_string (hash_exact, res_id);
CREATE INDEX idx_sp_string_hash_identity ON spidx_string (hash_identity, res_id);

-- Consortium members this node has seen (the paper keeps node information in a relational database).
CREATE TABLE node_registry (
    node_key      varchar(64)    PRIMARY KEY,   -- Ed25519 public key, hex
    name          varchar(200) NOT NULL,
    p2p_endpoint  varchar(300) NOT NULL,
    first_seen    timestamptz  NOT NULL,
    last_seen     timestamptz  NOT NULL
);

-- The node's operational log. Never holds PHI: events and ids only.
CREATE TABLE node_log (
    id      bigserial    PRIMARY KEY,
    ts      timestamptz  NOT NULL DEFAULT now(),
    level   varchar(10)  NOT NULL,
    event   varchar(100) NOT NULL,
    detail  text
);
CREATE INDEX idx_node_log_ts ON node_log (ts);
