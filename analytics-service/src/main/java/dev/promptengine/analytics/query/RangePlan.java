package dev.promptengine.analytics.query;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a half-open range {@code [from, to)} into the cheapest exact sources: whole UTC days from
 * the daily rollup, the whole hours around them from the hourly rollup, and the partial hours at
 * the very edges from raw facts (at most two hours of raw rows, read through the time index).
 */
final class RangePlan {

    enum Source {
        DAILY,
        HOURLY,
        RAW
    }

    record Segment(Source source, Instant from, Instant to) {}

    private RangePlan() {}

    /**
     * @param allowDaily false when the answer is bucketed by hour (a daily row cannot be split)
     * @param rawOnly true when a filter is not a rollup dimension (user, session)
     */
    static List<Segment> plan(Instant from, Instant to, boolean allowDaily, boolean rawOnly) {
        var segments = new ArrayList<Segment>();
        if (!from.isBefore(to)) {
            return segments;
        }
        if (rawOnly) {
            segments.add(new Segment(Source.RAW, from, to));
            return segments;
        }
        Instant firstHour = ceil(from, ChronoUnit.HOURS);
        Instant lastHour = to.truncatedTo(ChronoUnit.HOURS);
        if (!firstHour.isBefore(lastHour)) {
            segments.add(new Segment(Source.RAW, from, to));
            return segments;
        }
        add(segments, Source.RAW, from, firstHour);
        Instant firstDay = ceil(firstHour, ChronoUnit.DAYS);
        Instant lastDay = lastHour.truncatedTo(ChronoUnit.DAYS);
        if (allowDaily && firstDay.isBefore(lastDay)) {
            add(segments, Source.HOURLY, firstHour, firstDay);
            add(segments, Source.DAILY, firstDay, lastDay);
            add(segments, Source.HOURLY, lastDay, lastHour);
        } else {
            add(segments, Source.HOURLY, firstHour, lastHour);
        }
        add(segments, Source.RAW, lastHour, to);
        return segments;
    }

    private static void add(List<Segment> segments, Source source, Instant from, Instant to) {
        if (from.isBefore(to)) {
            segments.add(new Segment(source, from, to));
        }
    }

    private static Instant ceil(Instant instant, ChronoUnit unit) {
        Instant floor = instant.truncatedTo(unit);
        return floor.equals(instant) ? floor : floor.plus(Duration.of(1, unit));
    }
}
