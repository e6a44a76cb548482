package dev.promptengine.analytics.facts;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The seed's error categories, decided once at write time so rollups can group by them. A timeout
 * status is always {@code timeout}; an error is categorised by the first matching rule on its
 * message; everything else is {@code none}.
 */
public final class ErrorCategories {

    public static final String NONE = "none";
    public static final String OTHER = "other";

    private record Rule(String category, Pattern pattern) {}

    private static final List<Rule> RULES = List.of(
            rule("rate_limit", "rate.?limit|too many requests|\\b429\\b|quota"),
            rule(
                    "authentication",
                    "api.?key|unauthori[sz]|authenticat|forbidden|\\b401\\b|\\b403\\b|permission denied"),
            rule("timeout", "time.?out|timed out|deadline exceeded"),
            rule(
                    "network",
                    "network|connection|connect|socket|dns|unreachable|econn|reset by peer|\\b502\\b|\\b503\\b|\\b504\\b"),
            rule("invalid_request", "invalid|bad request|\\b400\\b|\\b422\\b|validation|malformed|context length"));

    private static Rule rule(String category, String regex) {
        return new Rule(category, Pattern.compile(regex, Pattern.CASE_INSENSITIVE));
    }

    /** @param status lower-case status: success, error, timeout or unknown */
    public static String categorize(String status, String errorMessage) {
        return switch (status) {
            case "timeout" -> "timeout";
            case "error" -> categorizeMessage(errorMessage);
            default -> NONE;
        };
    }

    static String categorizeMessage(String errorMessage) {
        if (errorMessage == null || errorMessage.isBlank()) {
            return OTHER;
        }
        String text = errorMessage.toLowerCase(Locale.ROOT);
        for (Rule rule : RULES) {
            if (rule.pattern().matcher(text).find()) {
                return rule.category();
            }
        }
        return OTHER;
    }

    private ErrorCategories() {}
}
