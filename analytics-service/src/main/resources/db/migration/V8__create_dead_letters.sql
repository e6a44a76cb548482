-- Poison records, stored in the same transaction as the consumer offsets that move past them, so a
-- dead letter exists exactly once per consumed record however often a batch is retried. The
-- dead-letter topics (<topic>.dlt) are fed from here by DeadLetterRelay (published_at marks what
-- the broker acknowledged); the admin API lists and replays from here. Rows older than
-- promptengine.analytics.retention.dead-letter-days are deleted by the retention job.

CREATE TABLE dead_letter
(
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dead_lettered_at timestamptz NOT NULL DEFAULT now(),
    consumer_group   text        NOT NULL,
    source_topic     text        NOT NULL,
    source_partition integer     NOT NULL,
    source_offset    bigint      NOT NULL,
    tenant           text,
    event_id         uuid,
    event_type       text,
    reason_kind      text        NOT NULL,
    reason           text        NOT NULL,
    record_key       bytea,
    record_value     bytea,
    published_at     timestamptz,
    replayed_at      timestamptz,
    UNIQUE (consumer_group, source_topic, source_partition, source_offset)
);

CREATE INDEX dead_letter_unpublished_idx ON dead_letter (id) WHERE published_at IS NULL;
CREATE INDEX dead_letter_time_idx ON dead_letter (dead_lettered_at DESC, id DESC);
CREATE INDEX dead_letter_tenant_time_idx ON dead_letter (tenant, dead_lettered_at DESC, id DESC);
