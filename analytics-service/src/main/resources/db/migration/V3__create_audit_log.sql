-- Audit trail of the query API (owned by the query side; numbered from 100 so it never collides with
-- the storage migrations V1, V2, ...). One row per answered query or export: who asked, when, which
-- endpoint, with which filters, and how many rows the answer held.
CREATE TABLE audit_log
(
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant        text        NOT NULL,
    key_name      text        NOT NULL,
    role          text        NOT NULL,
    occurred_at   timestamptz NOT NULL,
    endpoint      text        NOT NULL,
    filters       jsonb       NOT NULL DEFAULT '{}',
    rows_returned bigint      NOT NULL
);

CREATE INDEX audit_log_tenant_time_idx ON audit_log (tenant, occurred_at DESC, id DESC);
