-- Write-path cost (issue 8): the key columns of the index (types, ids, parameter names, token systems and codes,
-- reference targets) compare byte by byte (COLLATE "C") instead of through the cluster's collation. Every B-tree
-- insertion of every spidx row compares these columns on its way down the tree; with a libc collation each
-- comparison is a strcoll() call on copied, NUL-terminated strings (PostgreSQL 14 treats only "C" and "POSIX" as
-- plain memcmp; the embedded cluster's C.UTF-8 is not one of them).
-- What it changes: equality is the same in every deterministic collation, so no search finds other rows. Order by
-- these columns is byte order, which for UTF-8 is code point order: the order glibc's C.UTF-8 (this project's
-- embedded cluster) already gave, so on such a cluster nothing moves; on a cluster with a linguistic locale
-- (en_US.UTF-8) the tie-break by id of search pages and _sort on a token parameter now follow code points, the
-- same on every node whatever its locale. String values (value_normalized, value_exact) keep the cluster's collation,
-- so _sort on a string parameter is unchanged. Every key column gets "C" together, so joins between the tables
-- (references to heads, chains, _has) never compare two different collations.
-- Each ALTER rewrites its table and rebuilds its indexes once.
ALTER TABLE resource
    ALTER COLUMN res_type TYPE varchar(64) COLLATE "C",
    ALTER COLUMN res_id TYPE varchar(64) COLLATE "C";
ALTER TABLE resource_version
    ALTER COLUMN res_type TYPE varchar(64) COLLATE "C",
    ALTER COLUMN res_id TYPE varchar(64) COLLATE "C";
ALTER TABLE spidx_token
    ALTER COLUMN res_type TYPE varchar(64) COLLATE "C",
    ALTER COLUMN res_id TYPE varchar(64) COLLATE "C",
    ALTER COLUMN sp_name TYPE varchar(100) COLLATE "C",
    ALTER COLUMN sp_system TYPE text COLLATE "C",
    ALTER COLUMN sp_value TYPE text COLLATE "C";
ALTER TABLE spidx_string
    ALTER COLUMN res_type TYPE varchar(64) COLLATE "C",
    ALTER COLUMN res_id TYPE varchar(64) COLLATE "C",
    ALTER COLUMN sp_name TYPE varchar(100) COLLATE "C";
ALTER TABLE spidx_date
    ALTER COLUMN res_type TYPE varchar(64) COLLATE "C",
    ALTER COLUMN res_id TYPE varchar(64) COLLATE "C",
    ALTER COLUMN sp_name TYPE varchar(100) COLLATE "C";
ALTER TABLE spidx_reference
    ALTER COLUMN res_type TYPE varchar(64) COLLATE "C",
    ALTER COLUMN res_id TYPE varchar(64) COLLATE "C",
    ALTER COLUMN sp_name TYPE varchar(100) COLLATE "C",
    ALTER COLUMN target_type TYPE varchar(64) COLLATE "C",
    ALTER COLUMN target_id TYPE varchar(64) COLLATE "C",
    ALTER COLUMN target_url TYPE text COLLATE "C";
ALTER TABLE spidx_uri
    ALTER COLUMN res_type TYPE varchar(64) COLLATE "C",
    ALTER COLUMN res_id TYPE varchar(64) COLLATE "C",
    ALTER COLUMN sp_name TYPE varchar(100) COLLATE "C";
ALTER TABLE spidx_number
    ALTER COLUMN res_type TYPE varchar(64) COLLATE "C",
    ALTER COLUMN res_id TYPE varchar(64) COLLATE "C",
    ALTER COLUMN sp_name TYPE varchar(100) COLLATE "C";
ALTER TABLE spidx_quantity
    ALTER COLUMN res_type TYPE varchar(64) COLLATE "C",
    ALTER COLUMN res_id TYPE varchar(64) COLLATE "C",
    ALTER COLUMN sp_name TYPE varchar(100) COLLATE "C";
ALTER TABLE spidx_composite
    ALTER COLUMN res_type TYPE varchar(64) COLLATE "C",
    ALTER COLUMN res_id TYPE varchar(64) COLLATE "C",
    ALTER COLUMN sp_name TYPE varchar(100) COLLATE "C";
