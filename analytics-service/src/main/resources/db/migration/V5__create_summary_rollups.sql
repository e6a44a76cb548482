-- Summary rollups: the same measures as the prompt rollups of V1 without the prompt dimensions
-- (prompt_slug, prompt_version). A workload with many prompts and versions makes the prompt rollups
-- almost as many rows as raw facts; every question that neither filters nor groups by prompt or
-- version (usage-stats, timeseries, cost by model/provider/environment/day, error counts) reads these
-- instead: a few hundred rows per day whatever the number of prompts.
--
-- Written by the live write path in the same transaction as the prompt rollups, recomputed from raw
-- facts by the rebuild, partitioned by UTC month (<table>_pYYYYMM, created and dropped by the
-- service like the other rollups). Histograms use the encoding documented in V1.

CREATE TABLE execution_summary_hourly
(
    tenant               text        NOT NULL,
    bucket_start         timestamptz NOT NULL,
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
    PRIMARY KEY (tenant, bucket_start, environment, provider, model, status, error_type)
) PARTITION BY RANGE (bucket_start);

CREATE TABLE execution_summary_daily (LIKE execution_summary_hourly INCLUDING ALL) PARTITION BY RANGE (bucket_start);

CREATE TABLE usage_summary_hourly
(
    tenant       text        NOT NULL,
    bucket_start timestamptz NOT NULL,
    environment  text        NOT NULL,
    usage_count  bigint      NOT NULL,
    PRIMARY KEY (tenant, bucket_start, environment)
) PARTITION BY RANGE (bucket_start);

CREATE TABLE usage_summary_daily (LIKE usage_summary_hourly INCLUDING ALL) PARTITION BY RANGE (bucket_start);

-- With the summaries answering the prompt-less questions, what is left on the daily prompt rollups is
-- "one prompt over many days" (prompt performance, version comparison, errors by prompt). Their
-- primary keys start with (tenant, bucket_start): such a query scanned every prompt's rows of the
-- range. The hourly prompt rollups are only read for the hours at a range's edges (at most two days),
-- so they get no extra index (each index costs the live upserts).
CREATE INDEX execution_rollup_daily_prompt_idx ON execution_rollup_daily (tenant, prompt_slug, bucket_start);
CREATE INDEX usage_rollup_daily_prompt_idx ON usage_rollup_daily (tenant, prompt_slug, bucket_start);
