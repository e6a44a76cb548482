-- Merges two histograms (parallel bucket/count arrays) in one call, buckets ascending and unique:
-- the rollup upserts of the write path call it once per conflicting row instead of calling
-- hist_merge_buckets and hist_merge_counts (two passes over the same arrays).
CREATE FUNCTION hist_merge(b1 int[], c1 bigint[], b2 int[], c2 bigint[], OUT buckets int[], OUT counts bigint[])
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$
SELECT coalesce(array_agg(s.b ORDER BY s.b), '{}'::int[]), coalesce(array_agg(s.c ORDER BY s.b), '{}'::bigint[])
FROM (SELECT t.b, sum(t.c)::bigint AS c
      FROM unnest(coalesce(b1, '{}') || coalesce(b2, '{}'), coalesce(c1, '{}') || coalesce(c2, '{}')) AS t(b, c)
      GROUP BY t.b) s
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
                                       'usage_rollup_hourly'::regclass, 'usage_rollup_daily'::regclass)
            LOOP
                EXECUTE format('ALTER TABLE %s SET (fillfactor = 70)', p);
            END LOOP;
    END
$$;
