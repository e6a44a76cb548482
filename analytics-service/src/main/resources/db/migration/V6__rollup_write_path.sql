-- Merges two histograms (parallel bucket/count arrays, buckets ascending and unique) in one call:
-- the rollup upserts of the write path call it once per conflicting row. A merge of two sorted
-- arrays in one pass; measured at about half the cost of the set-based SQL of hist_merge_buckets and
-- hist_merge_counts (unnest, group, sort), which are kept for ad-hoc SQL over unsorted arrays.
CREATE FUNCTION hist_merge(b1 int[], c1 bigint[], b2 int[], c2 bigint[], OUT buckets int[], OUT counts bigint[])
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS
$$
DECLARE
    i  int := 1;
    j  int := 1;
    n1 int := coalesce(array_length(b1, 1), 0);
    n2 int := coalesce(array_length(b2, 1), 0);
BEGIN
    buckets := '{}';
    counts := '{}';
    WHILE i <= n1 OR j <= n2
        LOOP
            IF j > n2 OR (i <= n1 AND b1[i] < b2[j]) THEN
                buckets := buckets || b1[i];
                counts := counts || c1[i];
                i := i + 1;
            ELSIF i > n1 OR b2[j] < b1[i] THEN
                buckets := buckets || b2[j];
                counts := counts || c2[j];
                j := j + 1;
            ELSE
                buckets := buckets || b1[i];
                counts := counts || (c1[i] + c2[j]);
                i := i + 1;
                j := j + 1;
            END IF;
        END LOOP;
END
$$;

-- Rollup partitions get fillfactor 70 from now on (see PartitionManager): room on each page for
-- HOT updates. Existing partitions get it too; it applies to pages written from now on.
DO
$$
    DECLARE
        p regclass;
    BEGIN
        FOR p IN SELECT i.inhrelid::regclass
                 FROM pg_inherits i
                 WHERE i.inhparent IN ('execution_rollup_hourly'::regclass, 'execution_rollup_daily'::regclass,
                                       'usage_rollup_hourly'::regclass, 'usage_rollup_daily'::regclass,
                                       'execution_summary_hourly'::regclass, 'execution_summary_daily'::regclass,
                                       'usage_summary_hourly'::regclass, 'usage_summary_daily'::regclass)
            LOOP
                EXECUTE format('ALTER TABLE %s SET (fillfactor = 70)', p);
            END LOOP;
    END
$$;
