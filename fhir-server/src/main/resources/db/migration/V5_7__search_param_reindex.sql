-- The background reindex of each custom search parameter (issue 7): one row per active custom SearchParameter
-- (from the ig module or the chain), by its canonical url. A parameter written at block H (activation_height) is
-- extracted by the live indexer from block H + 1 on; this job indexes the resources whose head was written at or
-- below H, in (res_type, res_id) order from the cursor, one batch per SQL transaction. The parameter is searchable
-- on this node once state = 'done'. No wall-clock column: a rebuild must give the same rows as the live index. A projection like the spidx tables: a rebuild empties it and replays the chain.
-- (Versioned 5.7 to stay clear of the numbers other branches may take.)
CREATE TABLE search_param_reindex (
    param_url          text         PRIMARY KEY,
    fingerprint        text         NOT NULL,
    code               varchar(100) NOT NULL,
    base_types         text         NOT NULL,
    activation_height  bigint       NOT NULL,
    state              varchar(16)  NOT NULL,
    cursor_type        varchar(64),
    cursor_id          varchar(64),
    resources_done     bigint       NOT NULL DEFAULT 0,
    resources_total    bigint       NOT NULL DEFAULT 0,
    done_height        bigint
);
