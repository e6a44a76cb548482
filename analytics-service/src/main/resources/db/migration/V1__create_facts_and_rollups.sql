-- Raw facts and rollups of analytics-service. See docs/analytics-storage.md for every table,
-- column, the histogram encoding and how to merge it in SQL.
--
-- Raw tables are range-partitioned by occurred_at into UTC days (<table>_pYYYYMMDD), rollups into
-- UTC months (<table>_pYYYYMM). Partitions are created by the service (ahead on a schedule and on
-- demand for late events) and dropped whole for retention, so this file creates parents only.

-- ---------------------------------------------------------------------------------------------
-- Latency histogram: log-spaced buckets (DDSketch mapping), relative error <= 2 %.
--   alpha = 0.02, gamma = (1 + alpha) / (1 - alpha)
--   bucket 0            : latency <= 0 ms
--   bucket k >= 1       : latency v >= 1 ms with k = ceil(ln(v) / ln(gamma)) + 1,
--                         i.e. v in (gamma^(k-2), gamma^(k-1)]
--   representative value: 2 * gamma^(k-1) / (gamma + 1)   (within 2 % of every value in the bucket)
-- A histogram is two parallel arrays: latency_hist_buckets int[] (ascending, unique) and
-- latency_hist_counts bigint[] (> 0). The service computes buckets in Java and stores each raw
-- execution's bucket, so rebuilt rollups equal live ones exactly.
-- ---------------------------------------------------------------------------------------------

CREATE FUNCTION hist_bucket_value(bucket int) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$
SELECT CASE
           WHEN bucket <= 0 THEN 0::double precision
           ELSE 2 * power(1.02::double precision / 0.98::double precision, bucket - 1)
               / (1.02::double precision / 0.98::double precision + 1)
       END
$$;

-- Quantile q (0..1) of a histogram given as parallel arrays; buckets may repeat and be unsorted
-- (so arrays concatenated from many rollup rows work). Rank definition: the value of 0-based rank
-- floor(q * (n - 1)) in ascending order (the Java side and the tests use the same definition).
CREATE FUNCTION hist_quantile(buckets int[], counts bigint[], q double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
$$
SELECT ${flyway:defaultSchema}.hist_bucket_value(h.b)
FROM (SELECT t.b,
             sum(sum(t.c)) OVER (ORDER BY t.b) AS cum,
             sum(sum(t.c)) OVER ()             AS total
      FROM unnest(buckets, counts) AS t(b, c)
      GROUP BY t.b) h
WHERE h.cum > floor(q * (h.total - 1))
ORDER BY h.b
LIMIT 1
$$;

-- Merge two histograms (used by the rollup upserts): buckets of the sum ...
CREATE FUNCTION hist_merge_buckets(b1 int[], c1 bigint[], b2 int[], c2 bigint[]) RETURNS int[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT coalesce(array_agg(s.b ORDER BY s.b), '{}'::int[])
FROM (SELECT DISTINCT t.b FROM unnest(coalesce(b1, '{}') || coalesce(b2, '{}')) AS t(b)) s
$$;

-- ... and counts of the sum, aligned with hist_merge_buckets.
CREATE FUNCTION hist_merge_counts(b1 int[], c1 bigint[], b2 int[], c2 bigint[]) RETURNS bigint[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT coalesce(array_agg(s.c ORDER BY s.b), '{}'::bigint[])
FROM (SELECT t.b, sum(t.c)::bigint AS c
      FROM unnest(coalesce(b1, '{}') || coalesce(b2, '{}'), coalesce(c1, '{}') || coalesce(c2, '{}')) AS t(b, c)
      GROUP BY t.b) s
$$;

-- ---------------------------------------------------------------------------------------------
-- Raw facts
-- ---------------------------------------------------------------------------------------------

CREATE TABLE usage_fact
(
    tenant          text        NOT NULL,
    id              uuid        NOT NULL,
    occurred_at     timestamptz NOT NULL,
    received_at     timestamptz,
    prompt_id       text,
    prompt_slug     text        NOT NULL,
    prompt_version  int         NOT NULL,
    environment     text        NOT NULL,
    session_id      text,
    user_identifier text,
    parameters      jsonb,
    metadata        jsonb,
    capture_mode    text        NOT NULL,
    redactions      jsonb       NOT NULL DEFAULT '{}',
    has_content     boolean     NOT NULL DEFAULT false,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, id, occurred_at)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX usage_fact_tenant_time_idx ON usage_fact (tenant, occurred_at DESC, id);
CREATE INDEX usage_fact_prompt_idx ON usage_fact (tenant, prompt_slug, occurred_at DESC);
CREATE INDEX usage_fact_user_idx ON usage_fact (tenant, user_identifier, occurred_at DESC) WHERE user_identifier IS NOT NULL;
CREATE INDEX usage_fact_session_idx ON usage_fact (tenant, session_id, occurred_at DESC) WHERE session_id IS NOT NULL;

-- Raw content of a usage, kept for fewer days than the usage row (its own partitions are dropped first).
CREATE TABLE usage_content
(
    tenant                  text        NOT NULL,
    id                      uuid        NOT NULL,
    occurred_at             timestamptz NOT NULL,
    rendered_content        text,
    rendered_system_message text,
    PRIMARY KEY (tenant, id, occurred_at)
) PARTITION BY RANGE (occurred_at);

CREATE TABLE execution_fact
(
    tenant              text           NOT NULL,
    id                  uuid           NOT NULL,
    occurred_at         timestamptz    NOT NULL,
    usage_id            uuid           NOT NULL,
    received_at         timestamptz,
    prompt_slug         text           NOT NULL,
    prompt_version      int            NOT NULL,
    environment         text           NOT NULL,
    session_id          text,
    user_identifier     text,
    provider            text           NOT NULL,
    model               text           NOT NULL,
    temperature         double precision,
    max_tokens          int,
    input_tokens        bigint         NOT NULL,
    output_tokens       bigint         NOT NULL,
    total_tokens        bigint         NOT NULL,
    cached_input_tokens bigint         NOT NULL,
    cache_write_tokens  bigint         NOT NULL,
    reasoning_tokens    bigint         NOT NULL,
    execution_time_ms   bigint         NOT NULL,
    latency_bucket      int            NOT NULL, -- histogram bucket of execution_time_ms
    status              text           NOT NULL, -- success | error | timeout | unknown
    error_type          text           NOT NULL, -- none | rate_limit | authentication | network | timeout | invalid_request | other
    error_message       text,
    response_metadata   jsonb,
    capture_mode        text           NOT NULL,
    redactions          jsonb          NOT NULL DEFAULT '{}',
    pricing_status      text           NOT NULL, -- priced | unpriced | unknown
    price_id            uuid,
    matched_rule        text,
    currency            text           NOT NULL,
    input_cost          numeric(38, 18),
    cached_input_cost   numeric(38, 18),
    cache_write_cost    numeric(38, 18),
    output_cost         numeric(38, 18),
    reasoning_cost      numeric(38, 18),
    total_cost          numeric(38, 18),
    long_context_applied boolean       NOT NULL,
    priced_at           timestamptz,
    has_content         boolean        NOT NULL DEFAULT false,
    stored_at           timestamptz    NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, id, occurred_at)
) PARTITION BY RANGE (occurred_at);

CREATE INDEX execution_fact_tenant_time_idx ON execution_fact (tenant, occurred_at DESC, id);
CREATE INDEX execution_fact_prompt_idx ON execution_fact (tenant, prompt_slug, prompt_version, occurred_at DESC);
CREATE INDEX execution_fact_user_idx ON execution_fact (tenant, user_identifier, occurred_at DESC) WHERE user_identifier IS NOT NULL;
CREATE INDEX execution_fact_session_idx ON execution_fact (tenant, session_id, occurred_at DESC) WHERE session_id IS NOT NULL;
CREATE INDEX execution_fact_usage_idx ON execution_fact (tenant, usage_id);
CREATE INDEX execution_fact_errors_idx ON execution_fact (tenant, occurred_at DESC) WHERE status IN ('error', 'timeout');

-- Raw content of an execution, kept for fewer days than the execution row.
CREATE TABLE execution_content
(
    tenant           text        NOT NULL,
    id               uuid        NOT NULL,
    occurred_at      timestamptz NOT NULL,
    messages         jsonb       NOT NULL DEFAULT '[]', -- [{"role": "...", "content": "..."}]
    response_content text,
    PRIMARY KEY (tenant, id, occurred_at)
) PARTITION BY RANGE (occurred_at);

-- ---------------------------------------------------------------------------------------------
-- Rollups (hourly and daily, same columns; bucket_start is the UTC hour or UTC day)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE execution_rollup_hourly
(
    tenant               text        NOT NULL,
    bucket_start         timestamptz NOT NULL,
    prompt_slug          text        NOT NULL,
    prompt_version       int         NOT NULL,
    environment          text        NOT NULL,
    provider             text        NOT NULL,
    model                text        NOT NULL,
    status               text        NOT NULL,
    error_type           text        NOT NULL,
    execution_count      bigint      NOT NULL,
    unpriced_count       bigint      NOT NULL,
    input_tokens         bigint      NOT NULL,
    output_tokens        bigint      NOT NULL,
    total_tokens         bigint      NOT NULL,
    cached_input_tokens  bigint      NOT NULL,
    cache_write_tokens   bigint      NOT NULL,
    reasoning_tokens     bigint      NOT NULL,
    input_cost           numeric     NOT NULL,
    cached_input_cost    numeric     NOT NULL,
    cache_write_cost     numeric     NOT NULL,
    output_cost          numeric     NOT NULL,
    reasoning_cost       numeric     NOT NULL,
    total_cost           numeric     NOT NULL,
    latency_sum_ms       bigint      NOT NULL,
    latency_min_ms       bigint      NOT NULL,
    latency_max_ms       bigint      NOT NULL,
    latency_hist_buckets int[]       NOT NULL,
    latency_hist_counts  bigint[]    NOT NULL,
    PRIMARY KEY (tenant, bucket_start, prompt_slug, prompt_version, environment, provider, model, status, error_type)
) PARTITION BY RANGE (bucket_start);

CREATE TABLE execution_rollup_daily (LIKE execution_rollup_hourly INCLUDING ALL) PARTITION BY RANGE (bucket_start);

CREATE TABLE usage_rollup_hourly
(
    tenant         text        NOT NULL,
    bucket_start   timestamptz NOT NULL,
    prompt_slug    text        NOT NULL,
    prompt_version int         NOT NULL,
    environment    text        NOT NULL,
    usage_count    bigint      NOT NULL,
    PRIMARY KEY (tenant, bucket_start, prompt_slug, prompt_version, environment)
) PARTITION BY RANGE (bucket_start);

CREATE TABLE usage_rollup_daily (LIKE usage_rollup_hourly INCLUDING ALL) PARTITION BY RANGE (bucket_start);

-- ---------------------------------------------------------------------------------------------
-- Exactly once: Kafka offsets stored in the same transaction as the facts they produced, plus an
-- epoch per partition that a new owner bumps on assignment so a stale owner's transaction fails.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE consumer_offset
(
    consumer_group text        NOT NULL,
    topic          text        NOT NULL,
    kafka_partition int        NOT NULL,
    next_offset    bigint      NOT NULL,
    epoch          bigint      NOT NULL,
    owner          text        NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer_group, topic, kafka_partition)
);
