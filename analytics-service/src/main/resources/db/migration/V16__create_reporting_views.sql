-- The reporting interface (docs/reporting.md): version 1 of the views that BI tools (Grafana,
-- Metabase, a notebook) read with a tenant's own read-only PostgreSQL role instead of the API.
-- Column names and types of a *_v1 view never change; a change that would break a reader ships as
-- *_v2 next to it.
--
-- Tenant scoping fails closed: every view keeps only the rows of the tenant mapped to the login
-- role in analytics.reporting_role (current_user); a role without a mapping (the services' own
-- roles included) sees no row. The views are security_barrier, so a reader's own functions in a
-- WHERE clause cannot see rows of the filter's other side. Readers get USAGE on schema reporting
-- and SELECT on these views only (granted by the admin API, POST /v1/admin/reporting-roles), never
-- on schema analytics: the base tables stay out of reach.
--
-- The rollup views read the per-prompt shapes of the rollup catalogue (RollupShape.PROMPT_HOURLY
-- and PROMPT_DAILY, tables of V1); ReportingViewsIntegrationTests checks that they cover every key
-- dimension of those shapes.

-- Schema reporting is created by the database's provisioning (the access module's PostgresAccess,
-- deploy/compose/postgres-roles.sh, the CloudNativePG cluster), owned by this schema's owner; a
-- single-login database whose user may create schemas gets it here.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'reporting') THEN
        EXECUTE 'CREATE SCHEMA reporting';
    END IF;
END $$;

-- Which tenant a reporting login role reads. Written by the admin API only.
CREATE TABLE reporting_role
(
    role_name  text PRIMARY KEY,
    tenant     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text        NOT NULL
);

CREATE INDEX reporting_role_tenant_idx ON reporting_role (tenant);

CREATE VIEW reporting.executions_v1 WITH (security_barrier = true) AS
SELECT f.tenant,
       f.id,
       f.occurred_at,
       f.usage_id,
       f.prompt_slug,
       f.prompt_version,
       f.environment,
       f.provider,
       f.model,
       f.session_id,
       f.user_identifier,
       f.status,
       f.error_type,
       f.error_message,
       f.input_tokens,
       f.output_tokens,
       f.total_tokens,
       f.cached_input_tokens,
       f.cache_write_tokens,
       f.reasoning_tokens,
       f.execution_time_ms,
       f.pricing_status,
       f.currency,
       f.input_cost,
       f.cached_input_cost,
       f.cache_write_cost,
       f.output_cost,
       f.reasoning_cost,
       -- null when the execution is not priced (pricing_status <> 'priced'), never 0
       CASE WHEN f.pricing_status = 'priced' THEN f.total_cost END AS total_cost,
       f.cost_source,
       f.cost_revision
FROM ${flyway:defaultSchema}.execution_fact f
WHERE f.tenant = (SELECT m.tenant FROM ${flyway:defaultSchema}.reporting_role m WHERE m.role_name = current_user);

CREATE VIEW reporting.usages_v1 WITH (security_barrier = true) AS
SELECT f.tenant,
       f.id,
       f.occurred_at,
       f.prompt_id,
       f.prompt_slug,
       f.prompt_version,
       f.environment,
       f.session_id,
       f.user_identifier,
       f.capture_mode
FROM ${flyway:defaultSchema}.usage_fact f
WHERE f.tenant = (SELECT m.tenant FROM ${flyway:defaultSchema}.reporting_role m WHERE m.role_name = current_user);

-- Execution rollups by hour and by day (event time, UTC). total_cost is the exact sum over the
-- row's priced executions, null when none of them is priced; unpriced_executions says how many are
-- missing from it, so a partial sum is never mistaken for the whole.
CREATE VIEW reporting.execution_stats_hourly_v1 WITH (security_barrier = true) AS
SELECT r.tenant,
       r.bucket_start,
       r.prompt_slug,
       r.prompt_version,
       r.environment,
       r.provider,
       r.model,
       r.status,
       r.error_type,
       r.execution_count AS executions,
       r.execution_count - r.unpriced_count AS priced_executions,
       r.unpriced_count AS unpriced_executions,
       r.input_tokens,
       r.output_tokens,
       r.total_tokens,
       r.cached_input_tokens,
       r.cache_write_tokens,
       r.reasoning_tokens,
       CASE WHEN r.execution_count > r.unpriced_count THEN r.input_cost END AS input_cost,
       CASE WHEN r.execution_count > r.unpriced_count THEN r.cached_input_cost END AS cached_input_cost,
       CASE WHEN r.execution_count > r.unpriced_count THEN r.cache_write_cost END AS cache_write_cost,
       CASE WHEN r.execution_count > r.unpriced_count THEN r.output_cost END AS output_cost,
       CASE WHEN r.execution_count > r.unpriced_count THEN r.reasoning_cost END AS reasoning_cost,
       CASE WHEN r.execution_count > r.unpriced_count THEN r.total_cost END AS total_cost,
       r.latency_sum_ms,
       r.latency_min_ms,
       r.latency_max_ms
FROM ${flyway:defaultSchema}.execution_rollup_hourly r
WHERE r.tenant = (SELECT m.tenant FROM ${flyway:defaultSchema}.reporting_role m WHERE m.role_name = current_user);

CREATE VIEW reporting.execution_stats_daily_v1 WITH (security_barrier = true) AS
SELECT r.tenant,
       r.bucket_start,
       r.prompt_slug,
       r.prompt_version,
       r.environment,
       r.provider,
       r.model,
       r.status,
       r.error_type,
       r.execution_count AS executions,
       r.execution_count - r.unpriced_count AS priced_executions,
       r.unpriced_count AS unpriced_executions,
       r.input_tokens,
       r.output_tokens,
       r.total_tokens,
       r.cached_input_tokens,
       r.cache_write_tokens,
       r.reasoning_tokens,
       CASE WHEN r.execution_count > r.unpriced_count THEN r.input_cost END AS input_cost,
       CASE WHEN r.execution_count > r.unpriced_count THEN r.cached_input_cost END AS cached_input_cost,
       CASE WHEN r.execution_count > r.unpriced_count THEN r.cache_write_cost END AS cache_write_cost,
       CASE WHEN r.execution_count > r.unpriced_count THEN r.output_cost END AS output_cost,
       CASE WHEN r.execution_count > r.unpriced_count THEN r.reasoning_cost END AS reasoning_cost,
       CASE WHEN r.execution_count > r.unpriced_count THEN r.total_cost END AS total_cost,
       r.latency_sum_ms,
       r.latency_min_ms,
       r.latency_max_ms
FROM ${flyway:defaultSchema}.execution_rollup_daily r
WHERE r.tenant = (SELECT m.tenant FROM ${flyway:defaultSchema}.reporting_role m WHERE m.role_name = current_user);

CREATE VIEW reporting.usage_stats_hourly_v1 WITH (security_barrier = true) AS
SELECT r.tenant, r.bucket_start, r.prompt_slug, r.prompt_version, r.environment, r.usage_count AS usages
FROM ${flyway:defaultSchema}.usage_rollup_hourly r
WHERE r.tenant = (SELECT m.tenant FROM ${flyway:defaultSchema}.reporting_role m WHERE m.role_name = current_user);

CREATE VIEW reporting.usage_stats_daily_v1 WITH (security_barrier = true) AS
SELECT r.tenant, r.bucket_start, r.prompt_slug, r.prompt_version, r.environment, r.usage_count AS usages
FROM ${flyway:defaultSchema}.usage_rollup_daily r
WHERE r.tenant = (SELECT m.tenant FROM ${flyway:defaultSchema}.reporting_role m WHERE m.role_name = current_user);

REVOKE ALL ON ALL TABLES IN SCHEMA reporting FROM PUBLIC;

-- The query API's role creates the reporting roles (CREATEROLE, PostgreSQL 16+) and passes on
-- exactly this: USAGE on schema reporting and SELECT on its views, nothing of schema analytics.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pe_analytics_query') THEN
        GRANT USAGE ON SCHEMA reporting TO pe_analytics_query WITH GRANT OPTION;
        GRANT SELECT ON ALL TABLES IN SCHEMA reporting TO pe_analytics_query WITH GRANT OPTION;
        GRANT SELECT, INSERT, DELETE ON reporting_role TO pe_analytics_query;
    END IF;
END $$;
