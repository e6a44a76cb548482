-- Provider billing exports imported for reconciliation (POST /v1/analytics/reconciliation/imports):
-- one row per import and one per cost line of the export, as read (docs/reconciliation.md). model is
-- the name as matched with execution_fact.model (per format), billed_model the export's own spelling.
-- Written by the query API (an admin action, audited), so its role gets INSERT here (V10 pattern).
CREATE TABLE reconciliation_import
(
    id          uuid PRIMARY KEY,
    tenant      text        NOT NULL,
    format      text        NOT NULL,
    provider    text        NOT NULL,
    imported_at timestamptz NOT NULL,
    imported_by text        NOT NULL,
    first_day   date        NOT NULL,
    last_day    date        NOT NULL,
    version     bigint      NOT NULL
);

CREATE INDEX reconciliation_import_tenant_idx ON reconciliation_import (tenant, imported_at DESC);

CREATE TABLE reconciliation_import_line
(
    import_id     uuid           NOT NULL REFERENCES reconciliation_import (id) ON DELETE CASCADE,
    position      int            NOT NULL,
    source_line   int            NOT NULL,
    day           date           NOT NULL,
    model         text,
    billed_model  text           NOT NULL,
    line_item     text,
    billed_cost   numeric(38, 18) NOT NULL,
    input_tokens  bigint,
    output_tokens bigint,
    PRIMARY KEY (import_id, position)
);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pe_analytics_query') THEN
        GRANT SELECT, INSERT ON reconciliation_import, reconciliation_import_line TO pe_analytics_query;
    END IF;
END $$;
