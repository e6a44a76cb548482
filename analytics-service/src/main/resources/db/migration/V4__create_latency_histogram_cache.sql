-- Query side: merged latency histograms of whole UTC days per filter, so percentiles over long ranges
-- merge one small histogram per day instead of unnesting every daily rollup row on every request.
-- An entry is valid while the day's execution count for the filter (summed from the daily rollup,
-- which every query reads anyway) still equals execution_count: facts are immutable and exactly
-- once, so the same count means the same executions. Late events change the count and the entry is
-- recomputed. Disposable: truncating it only costs the next queries their speed.
CREATE TABLE latency_histogram_cache
(
    tenant          text        NOT NULL,
    filter_key      text        NOT NULL, -- canonical JSON of the rollup-dimension filters
    day             timestamptz NOT NULL, -- start of the UTC day
    execution_count bigint      NOT NULL,
    buckets         int[]       NOT NULL,
    counts          bigint[]    NOT NULL,
    computed_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant, filter_key, day)
);
