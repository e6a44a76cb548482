-- Issue 15: a price row is never overwritten without trace (version + price_versions), tenants
-- have rows of their own over the shared default catalog (tenant null), and tenant discounts.

ALTER TABLE prices
    ADD COLUMN tenant  text CHECK (tenant <> ''),
    ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version >= 1);

-- one range per provider and model within each layer: a tenant row may cover the same range as a
-- default row (it wins for that tenant), never another row of the same tenant
ALTER TABLE prices DROP CONSTRAINT prices_no_overlap;
ALTER TABLE prices ADD CONSTRAINT prices_no_overlap EXCLUDE USING gist (
    (coalesce(tenant, '')) WITH =,
    lower(provider) WITH =,
    lower(model) WITH =,
    tstzrange(effective_from, effective_until, '[)') WITH &&);

-- Every version of every row as it was after the change (null row_after for a delete), who made it
-- and why. Kept after a delete, so the history and "as known at" answers survive the row.
CREATE TABLE price_versions (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    price_id    uuid        NOT NULL,
    version     integer     NOT NULL CHECK (version >= 1),
    tenant      text,
    action      text        NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    row_after   jsonb,
    recorded_at timestamptz NOT NULL,
    recorded_by text        NOT NULL,
    role        text        NOT NULL,
    reason      text,
    CONSTRAINT price_versions_row_unless_deleted CHECK ((action = 'delete') = (row_after IS NULL)),
    CONSTRAINT price_versions_once UNIQUE (price_id, version)
);

CREATE INDEX price_versions_recorded_idx ON price_versions (recorded_at, price_id);

-- The rows that exist now start their history at version 1, as they are (the JSON of the API).
INSERT INTO price_versions (price_id, version, tenant, action, row_after, recorded_at, recorded_by, role, reason)
SELECT id, 1, tenant, 'create',
       jsonb_build_object(
           'id', id, 'provider', provider, 'model', model, 'match_pattern', match_pattern,
           'input_per_1m', input_per_1m, 'output_per_1m', output_per_1m,
           'cached_input_per_1m', cached_input_per_1m, 'cache_write_per_1m', cache_write_per_1m,
           'reasoning_per_1m', reasoning_per_1m, 'long_context_threshold', long_context_threshold,
           'long_context_input_per_1m', long_context_input_per_1m,
           'long_context_output_per_1m', long_context_output_per_1m,
           'effective_from', to_char(effective_from AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'effective_until', to_char(effective_until AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'source', source,
           'updated_at', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
           'tenant', tenant, 'version', 1),
       created_at, 'migration', 'system', 'history starts here (V5)'
  FROM prices;

-- A tenant's percentage off the default catalog for one provider (model null: every model of it)
-- or one model, over a range of event time. No two for the same tenant, provider and model scope
-- overlap (a provider-wide and a model-specific one may: the model-specific one wins).
CREATE TABLE price_discounts (
    id             uuid PRIMARY KEY,
    tenant         text        NOT NULL CHECK (tenant <> ''),
    provider       text        NOT NULL CHECK (provider <> ''),
    model          text        CHECK (model <> ''),
    percent        numeric     NOT NULL CHECK (percent > 0 AND percent <= 100),
    effective_from timestamptz NOT NULL,
    effective_until timestamptz,
    version        integer     NOT NULL CHECK (version >= 1),
    source         text,
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    CONSTRAINT price_discounts_effective_range CHECK (effective_until IS NULL OR effective_from < effective_until),
    CONSTRAINT price_discounts_no_overlap EXCLUDE USING gist (
        tenant WITH =,
        lower(provider) WITH =,
        (coalesce(lower(model), '')) WITH =,
        tstzrange(effective_from, effective_until, '[)') WITH &&)
);

-- The outbox now serves two compacted topics.
ALTER TABLE pricing_outbox ADD COLUMN topic text NOT NULL DEFAULT 'promptengine.pricing.v1';

-- The audit also records discount changes.
ALTER TABLE price_audit ALTER COLUMN price_id DROP NOT NULL;
ALTER TABLE price_audit ADD COLUMN discount_id uuid;
ALTER TABLE price_audit ADD COLUMN reason text;
ALTER TABLE price_audit ADD CONSTRAINT price_audit_one_subject CHECK ((price_id IS NULL) <> (discount_id IS NULL));
CREATE INDEX price_audit_discount_idx ON price_audit (discount_id, id);
