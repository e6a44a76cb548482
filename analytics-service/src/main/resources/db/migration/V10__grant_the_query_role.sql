-- The query API logs in as pe_analytics_query (access module's DatabaseRole.ANALYTICS_QUERY): it
-- reads every table and writes only its own ones (the audit trail, API keys, the histogram cache);
-- facts, rollups, offsets and dead letters stay the write path's (pe_analytics). Tables and
-- partitions created later by this role are readable by it too. A database without that role (one
-- login for everything) skips this.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pe_analytics_query') THEN
        GRANT USAGE ON SCHEMA analytics TO pe_analytics_query;
        GRANT SELECT ON ALL TABLES IN SCHEMA analytics TO pe_analytics_query;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA analytics TO pe_analytics_query;
        GRANT INSERT ON audit_log TO pe_analytics_query;
        GRANT INSERT, UPDATE ON latency_histogram_cache TO pe_analytics_query;
        GRANT INSERT, UPDATE ON api_key TO pe_analytics_query;
        ALTER DEFAULT PRIVILEGES IN SCHEMA analytics GRANT SELECT ON TABLES TO pe_analytics_query;
    END IF;
END $$;
