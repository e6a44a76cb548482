package dev.promptengine.analytics.rollup;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The time grain of a rollup: its rows are UTC hours or UTC days (event time). */
public enum Grain {
    HOUR(ChronoUnit.HOURS, "hour"),
    DAY(ChronoUnit.DAYS, "day");

    private final ChronoUnit unit;
    private final String sqlUnit;

    Grain(ChronoUnit unit, String sqlUnit) {
        this.unit = unit;
        this.sqlUnit = sqlUnit;
    }

    /** The start of the bucket an event time falls in. */
    public Instant bucketStart(Instant occurredAt) {
        return occurredAt.truncatedTo(unit);
    }

    /** The unit for PostgreSQL's {@code date_trunc(unit, ts, 'UTC')}. */
    public String sqlUnit() {
        return sqlUnit;
    }
}
