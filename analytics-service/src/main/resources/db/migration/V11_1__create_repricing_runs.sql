-- Re-pricing runs (POST /v1/repricing, docs/pricing.md): who asked for what, what the dry run or the
-- apply found, and how many of the published corrections the write path has applied so far (counted
-- in the batch transaction that applies them, so the count is exact across crashes).
CREATE TABLE repricing_run
(
    id                    uuid        PRIMARY KEY,
    tenant                text,       -- null: every tenant (platform admin)
    requested_by          text        NOT NULL, -- API key name
    requested_role        text        NOT NULL,
    scope                 text        NOT NULL, -- the request's scope, JSON
    dry_run               boolean     NOT NULL,
    status                text        NOT NULL, -- planned | published | failed
    executions_in_scope   bigint      NOT NULL DEFAULT 0,
    executions_affected   bigint      NOT NULL DEFAULT 0,
    old_total_cost        numeric     NOT NULL DEFAULT 0,
    new_total_cost        numeric     NOT NULL DEFAULT 0,
    corrections_published bigint      NOT NULL DEFAULT 0,
    corrections_applied   bigint      NOT NULL DEFAULT 0,
    catalog_as_of         timestamptz,
    diff                  text,       -- the answer's breakdowns by model, prompt and day, JSON
    error                 text,
    version               bigint      NOT NULL DEFAULT 0, -- Spring Data JDBC's row version (insert vs update)
    created_at            timestamptz NOT NULL DEFAULT now(),
    finished_at           timestamptz,
    last_applied_at       timestamptz
);

CREATE INDEX repricing_run_tenant_idx ON repricing_run (tenant, created_at DESC);

-- The API (pe_analytics_query, see V10) records the runs; the write path counts applied corrections.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pe_analytics_query') THEN
        GRANT INSERT, UPDATE ON repricing_run TO pe_analytics_query;
    END IF;
END $$;
