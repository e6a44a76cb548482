package dev.promptengine.analytics.query;

import java.time.Duration;

/** How results are bucketed in time; each maps to a column of every {@link FactSources} row (UTC). */
enum TimeBucket {
    NONE("NULL::timestamptz", null),
    HOUR("hour_start", Duration.ofHours(1)),
    DAY("day_start", Duration.ofDays(1));

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
