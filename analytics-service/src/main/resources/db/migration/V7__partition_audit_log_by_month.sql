-- The audit trail grows with every query (a dashboard tab polling every 5 s writes ~5,800 rows an
-- hour), so it gets retention like everything else here: monthly partitions (audit_log_pYYYYMM),
-- created ahead and dropped whole after promptengine.analytics.retention.audit-days by the service,
-- never bulk-deleted. Rows written before this migration move into partitions of their months.

ALTER TABLE audit_log RENAME TO audit_log_unpartitioned;
ALTER INDEX audit_log_tenant_time_idx RENAME TO audit_log_unpartitioned_tenant_time_idx;
ALTER INDEX audit_log_pkey RENAME TO audit_log_unpartitioned_pkey;
ALTER SEQUENCE audit_log_id_seq RENAME TO audit_log_unpartitioned_id_seq;

CREATE SEQUENCE audit_log_id_seq AS bigint;

CREATE TABLE audit_log
(
    id            bigint      NOT NULL DEFAULT nextval('audit_log_id_seq'),
    tenant        text        NOT NULL,
    key_name      text        NOT NULL,
    role          text        NOT NULL,
    occurred_at   timestamptz NOT NULL,
    endpoint      text        NOT NULL,
    filters       jsonb       NOT NULL DEFAULT '{}',
    rows_returned bigint      NOT NULL,
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);

ALTER SEQUENCE audit_log_id_seq OWNED BY audit_log.id;

CREATE INDEX audit_log_tenant_time_idx ON audit_log (tenant, occurred_at DESC, id DESC);

DO
$$
    DECLARE
        month date;
    BEGIN
        FOR month IN SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date
                     FROM audit_log_unpartitioned
            LOOP
                EXECUTE format(
                        'CREATE TABLE %I PARTITION OF audit_log FOR VALUES FROM (%L) TO (%L)',
                        'audit_log_p' || to_char(month, 'YYYYMM'),
                        month::timestamp AT TIME ZONE 'UTC',
                        (month + interval '1 month')::timestamp AT TIME ZONE 'UTC');
            END LOOP;
    END
$$;

INSERT INTO audit_log (id, tenant, key_name, role, occurred_at, endpoint, filters, rows_returned)
SELECT id, tenant, key_name, role, occurred_at, endpoint, filters, rows_returned
FROM audit_log_unpartitioned;

SELECT setval('audit_log_id_seq', coalesce((SELECT max(id) FROM audit_log_unpartitioned), 0) + 1, false);

DROP TABLE audit_log_unpartitioned;
