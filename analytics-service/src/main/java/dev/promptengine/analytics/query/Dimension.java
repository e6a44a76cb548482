package dev.promptengine.analytics.query;

import dev.promptengine.analytics.filter.InvalidParameterException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a result can be grouped by, each mapped to a fixed SQL expression over the source columns
 * (never to text from the request).
 */
enum Dimension {
    PROMPT("prompt_slug", true),
    VERSION("prompt_version::text", true),
    ENVIRONMENT("environment", true),
    PROVIDER("provider", false),
    MODEL("model", false),
    STATUS("status", false),
    ERROR_TYPE("error_type", false),
    USER("user_identifier", true),
    SESSION("session_id", true);

    final String sql;
    /** Usages have this dimension too (they have no provider, model, status or error type). */
    final boolean ofUsages;

    Dimension(String sql, boolean ofUsages) {
        this.sql = sql;
        this.ofUsages = ofUsages;
    }

    String parameterValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Prompt and version are not dimensions of the summaries (V5): grouping by them needs the prompt rollups. */
    boolean ofPrompts() {
        return this == PROMPT || this == VERSION;
    }

    boolean needsRawFacts() {
        return this == USER || this == SESSION;
    }

    static Dimension parse(String parameter, String value, Dimension... allowed) {
        for (Dimension d : allowed) {
            if (d.parameterValue().equals(value)) {
                return d;
            }
        }
        throw new InvalidParameterException(
                parameter,
                "'" + parameter + "' must be one of "
                        + Arrays.stream(allowed).map(Dimension::parameterValue).collect(Collectors.joining(", "))
                        + "; got '" + value + "'");
    }
}
