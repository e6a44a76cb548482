package dev.promptengine.analytics.filter;

import io.swagger.v3.oas.annotations.Parameter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The filter parameters every analytics endpoint takes, as sent (strings, so a bad value answers a
 * 400 that names it). {@link #resolve} applies the endpoint's default range.
 */
public record FilterParameters(
        @Parameter(
                description = "Start of the range, inclusive: an ISO-8601 instant or offset date-time, or a"
                        + " date (start of that UTC day). Default: `to` minus the endpoint's default range.",
                example = "2026-11-20T00:00:00Z")
        String from,

        @Parameter(
                description = "End of the range, exclusive: an ISO-8601 instant or offset date-time, or a date"
                        + " (the whole UTC day is included). Default: now.",
                example = "2026-11-27T00:00:00Z")
        String to,

        @Parameter(description = "Prompt slug", example = "summarize-ticket")
        String prompt,

        @Parameter(description = "Prompt version number", example = "3")
        String version,

        @Parameter(description = "Environment", example = "production")
        String environment,

        @Parameter(description = "LLM provider", example = "openai")
        String provider,

        @Parameter(description = "Model", example = "gpt-4o")
        String model,

        @Parameter(description = "User identifier (answered from raw facts)", example = "user-42")
        String user,

        @Parameter(description = "Session id (answered from raw facts)", example = "session-7")
        String session) {

    /** The longest range any request may ask for: two years (with a leap day), the rollups' retention. */
    public static final Duration MAX_RANGE = Duration.ofDays(731);

    public static FilterParameters none() {
        return new FilterParameters(null, null, null, null, null, null, null, null, null);
    }

    public QueryFilter resolve(Clock clock, Duration defaultRange) {
        Instant end = to == null ? clock.instant() : parse("to", to, true);
        Instant start = from == null ? end.minus(defaultRange) : parse("from", from, false);
        if (start.isAfter(end)) {
            throw new InvalidParameterException("from", "'from' (" + start + ") is after 'to' (" + end + ")");
        }
        if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
            throw new InvalidParameterException(
                    "from",
                    "'from'..'to' spans " + Duration.between(start, end).toDays() + " days; at most "
                            + MAX_RANGE.toDays() + " days (two years, the rollup retention) are answered per request");
        }
        return new QueryFilter(
                start,
                end,
                text("prompt", prompt),
                parsedVersion(),
                text("environment", environment),
                text("provider", provider),
                text("model", model),
                text("user", user),
                text("session", session));
    }

    private Integer parsedVersion() {
        if (version == null) {
            return null;
        }
        try {
            int value = Integer.parseInt(version.trim());
            if (value < 0) {
                throw new InvalidParameterException("version", "'version' must be a non-negative integer");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidParameterException("version", "'version' must be an integer, got '" + version + "'");
        }
    }

    private static String text(String name, String value) {
        if (value == null) {
            return null;
        }
        if (value.isBlank()) {
            throw new InvalidParameterException(name, "'" + name + "' must not be blank");
        }
        if (value.length() > 200) {
            throw new InvalidParameterException(name, "'" + name + "' is longer than 200 characters");
        }
        return value;
    }

    /** A date-time or instant as given; a plain date is the start of that UTC day ({@code from}) or the next ({@code to}). */
    static Instant parse(String name, String value, boolean endOfDayForDates) {
        String v = value.trim();
        try {
            if (v.length() == 10) {
                var day = LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC);
                return (endOfDayForDates ? day.plusDays(1) : day).toInstant();
            }
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException(
                    name,
                    "'" + name + "' is not an ISO-8601 date-time (2026-11-27T10:00:00Z) or date (2026-11-27): '" + value
                            + "'");
        }
    }

    /** An integer parameter within {@code [min, max]}, or a 400 naming it. */
    public static int integer(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) {
                throw new InvalidParameterException(
                        name, "'" + name + "' must be between " + min + " and " + max + ", got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InvalidParameterException(name, "'" + name + "' must be an integer, got '" + value + "'");
        }
    }
}
