-- The pricing catalog: USD per 1M tokens, effective-dated. The database itself rejects overlapping
-- ranges for the same provider and model (exclusion constraint), not only the Java code.
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE prices (
    id                          uuid PRIMARY KEY,
    provider                    text        NOT NULL CHECK (provider <> ''),
    model                       text        NOT NULL CHECK (model <> ''),
    match_pattern               text,
    input_per_1m                numeric     NOT NULL CHECK (input_per_1m >= 0),
    output_per_1m               numeric     NOT NULL CHECK (output_per_1m >= 0),
    cached_input_per_1m         numeric     CHECK (cached_input_per_1m >= 0),
    cache_write_per_1m          numeric     CHECK (cache_write_per_1m >= 0),
    reasoning_per_1m            numeric     CHECK (reasoning_per_1m >= 0),
    long_context_threshold      bigint      CHECK (long_context_threshold > 0),
    long_context_input_per_1m   numeric     CHECK (long_context_input_per_1m >= 0),
    long_context_output_per_1m  numeric     CHECK (long_context_output_per_1m >= 0),
    effective_from              timestamptz NOT NULL,
    effective_until             timestamptz,
    source                      text,
    -- rows of the shipped default catalog carry its key; edited ones are never overwritten by it
    default_key                 text UNIQUE,
    user_edited                 boolean     NOT NULL DEFAULT false,
    created_at                  timestamptz NOT NULL,
    updated_at                  timestamptz NOT NULL,
    CONSTRAINT prices_effective_range CHECK (effective_until IS NULL OR effective_from < effective_until),
    CONSTRAINT prices_no_overlap EXCLUDE USING gist (
        lower(provider) WITH =,
        lower(model) WITH =,
        tstzrange(effective_from, effective_until, '[)') WITH &&)
);

-- Default catalog rows applied once; a row a user deleted is not brought back.
CREATE TABLE default_prices_applied (
    default_key text PRIMARY KEY,
    checksum    text        NOT NULL,
    applied_at  timestamptz NOT NULL
);
