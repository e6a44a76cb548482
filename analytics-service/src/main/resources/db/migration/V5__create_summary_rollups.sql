-- Narrow rollups without prompt dimensions, for tenant-wide questions (usage-stats, timeseries and
-- cost breakdowns not by prompt): far fewer rows than the per-prompt rollups. Same measures,
-- same histogram encoding, same monthly partitions (created and dropped by the service).

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
