-- Alert rules, their evaluation state and history, and the notifications of every transition
-- (docs/alerts.md). The API (pe_analytics_query) writes the rules and acknowledgements; the evaluator
-- and the notifier (the write path's pool, pe_analytics) write states, transitions and deliveries.
CREATE TABLE alert_rule
(
    id                  uuid        PRIMARY KEY,
    tenant              text        NOT NULL,
    name                text        NOT NULL,
    metric              text        NOT NULL, -- cost | executions | error_rate | p95_latency_ms | ...
    -- the scope: any filter of the analytics API; null is "any"
    prompt              text,
    prompt_version      int,
    environment         text,
    provider            text,
    model               text,
    user_identifier     text,
    window_seconds      bigint      NOT NULL,
    condition           text        NOT NULL, -- threshold | change
    operator            text        NOT NULL, -- above | below
    threshold           numeric     NOT NULL, -- the metric's value, or the change in percent
    compare_to          text,                 -- change only: previous_window | last_week
    min_volume          bigint      NOT NULL DEFAULT 0, -- executions (usages for metric usages) below which nothing breaches
    consecutive         int         NOT NULL DEFAULT 1, -- breaching evaluations in a row before firing
    webhook_url         text,
    webhook_secret      text,                 -- HMAC-SHA256 key of the signature header
    webhook_format      text        NOT NULL DEFAULT 'json', -- json | slack
    enabled             boolean     NOT NULL DEFAULT true,
    locked              boolean     NOT NULL DEFAULT false, -- set by an admin: analysts may not change or delete it
    silenced_until      timestamptz,
    created_by          text        NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    version             bigint      NOT NULL DEFAULT 0
);

CREATE INDEX alert_rule_tenant_idx ON alert_rule (tenant, created_at);

-- One row per rule once evaluated: where its state machine is (ok, pending, firing, resolved).
CREATE TABLE alert_state
(
    rule_id           uuid        PRIMARY KEY REFERENCES alert_rule (id) ON DELETE CASCADE,
    tenant            text        NOT NULL,
    state             text        NOT NULL,
    since             timestamptz NOT NULL,
    breaches          int         NOT NULL DEFAULT 0, -- consecutive breaching evaluations
    sequence          bigint      NOT NULL DEFAULT 0, -- transitions so far
    last_value        numeric,
    last_evaluated_at timestamptz NOT NULL,
    acknowledged_by   text,
    acknowledged_at   timestamptz
);

-- Every transition, written in the same transaction as the state change and its outbox rows, so a
-- transition exists once (unique per rule and sequence) and is notified once per channel.
CREATE TABLE alert_transition
(
    id             uuid        PRIMARY KEY,
    rule_id        uuid        NOT NULL REFERENCES alert_rule (id) ON DELETE CASCADE,
    tenant         text        NOT NULL,
    sequence       bigint      NOT NULL,
    previous_state text        NOT NULL,
    state          text        NOT NULL,
    value          numeric,
    threshold      numeric     NOT NULL,
    window_start   timestamptz NOT NULL,
    window_end     timestamptz NOT NULL,
    occurred_at    timestamptz NOT NULL,
    silenced       boolean     NOT NULL DEFAULT false,
    UNIQUE (rule_id, sequence)
);

CREATE INDEX alert_transition_tenant_idx ON alert_transition (tenant, occurred_at DESC);

-- The outbox: one row per transition and channel (kafka, webhook) until delivered or given up.
CREATE TABLE alert_notification
(
    transition_id   uuid        NOT NULL REFERENCES alert_transition (id) ON DELETE CASCADE,
    channel         text        NOT NULL, -- kafka | webhook
    status          text        NOT NULL DEFAULT 'pending', -- pending | delivered | failed
    attempts        int         NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    delivered_at    timestamptz,
    PRIMARY KEY (transition_id, channel)
);

CREATE INDEX alert_notification_due_idx ON alert_notification (next_attempt_at) WHERE status = 'pending';

-- Every webhook attempt: the delivery log of GET /v1/alerts/rules/{id}/deliveries.
CREATE TABLE webhook_delivery
(
    id            bigserial   PRIMARY KEY,
    transition_id uuid        NOT NULL REFERENCES alert_transition (id) ON DELETE CASCADE,
    rule_id       uuid        NOT NULL,
    tenant        text        NOT NULL,
    attempt       int         NOT NULL,
    attempted_at  timestamptz NOT NULL,
    status_code   int,         -- null: no answer (timeout, refused)
    error         text,
    duration_ms   bigint      NOT NULL
);

CREATE INDEX webhook_delivery_rule_idx ON webhook_delivery (rule_id, attempted_at DESC);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'pe_analytics_query') THEN
        GRANT INSERT, UPDATE, DELETE ON alert_rule TO pe_analytics_query;
        GRANT UPDATE ON alert_state TO pe_analytics_query;
    END IF;
END $$;
