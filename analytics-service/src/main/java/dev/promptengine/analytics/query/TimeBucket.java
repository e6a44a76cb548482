package dev.promptengine.analytics.query;

import java.time.Duration;

/** How results are bucketed in time; each maps to a fixed SQL expression in UTC. */
enum TimeBucket {
    NONE("NULL::timestamptz", null),
    HOUR("date_trunc('hour', bucket_start, 'UTC')", Duration.ofHours(1)),
    DAY("date_trunc('day', bucket_start, 'UTC')", Duration.ofDays(1));

    final String sql;
    final Duration length;

    TimeBucket(String sql, Duration length) {
        this.sql = sql;
        this.length = length;
    }

    /** A daily rollup row can only be used when buckets are not finer than a day. */
    boolean allowsDailyRollup() {
        return this != HOUR;
    }
}
