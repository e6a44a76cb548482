package dev.promptengine.analytics.alert;

import dev.promptengine.analytics.filter.InvalidParameterException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a {@link RuleRequest} before anything is stored; every refusal names the field and its
 * limit (a 400 problem detail).
 */
final class RuleValidation {

    static final Duration MIN_WINDOW = Duration.ofMinutes(5);
    static final Duration MAX_WINDOW = Duration.ofDays(30);
    static final int MAX_NAME = 200;
    static final int MAX_SCOPE_VALUE = 200;
    static final int MAX_URL = 2000;
    static final int MIN_SECRET = 16;
    static final int MAX_SECRET = 256;
    static final int MAX_CONSECUTIVE = 100;
    static final long MAX_MIN_VOLUME = 1_000_000_000_000L;
    /** numeric thresholds: at most 20 integer and 18 fractional digits (the Avro decimal(38,18) of the event) */
    static final int MAX_SCALE = 18;

    static final BigDecimal MAX_THRESHOLD = new BigDecimal("1e20");

    private static final Pattern SHORT_WINDOW = Pattern.compile("(\\d{1,6})([mhd])");

    private RuleValidation() {}

    /** A checked request, with the window in seconds and the operator as stored. */
    record Checked(
            RuleRequest request,
            RuleRequest.Scope scope,
            Metric metric,
            long windowSeconds,
            String operator,
            List<BigDecimal> notifyAt,
            Integer baselineWeeks) {}

    static final List<BigDecimal> DEFAULT_LEVELS =
            List.of(BigDecimal.valueOf(50), BigDecimal.valueOf(80), BigDecimal.valueOf(100));
    static final int MAX_LEVELS = 10;
    static final BigDecimal MAX_LEVEL = BigDecimal.valueOf(1000);

    static Checked check(RuleRequest r) {
        if (r == null) {
            throw new InvalidParameterException("body", "The body must be a JSON object describing the rule");
        }
        text("name", r.name(), MAX_NAME, true);
        Metric metric = Metric.parse(r.metric());
        var scope = r.scope() == null ? RuleRequest.Scope.NONE : r.scope();
        text("scope.prompt", scope.prompt(), MAX_SCOPE_VALUE, false);
        text("scope.environment", scope.environment(), MAX_SCOPE_VALUE, false);
        text("scope.provider", scope.provider(), MAX_SCOPE_VALUE, false);
        text("scope.model", scope.model(), MAX_SCOPE_VALUE, false);
        text("scope.user", scope.user(), MAX_SCOPE_VALUE, false);
        if (scope.version() != null && scope.version() < 1) {
            throw new InvalidParameterException(
                    "scope.version", "'scope.version' must be at least 1; got " + scope.version());
        }
        if (metric.ofUsages() && (scope.provider() != null || scope.model() != null)) {
            throw new InvalidParameterException(
                    scope.provider() != null ? "scope.provider" : "scope.model",
                    "usages have no provider or model: scope metric usages by prompt, version, environment or user");
        }
        String condition = r.condition();
        if (!List.of("threshold", "change", "budget", "anomaly").contains(condition == null ? "" : condition)) {
            throw new InvalidParameterException(
                    "condition",
                    "'condition' must be threshold, change, budget or anomaly; got "
                            + (condition == null ? "nothing" : "'" + condition + "'"));
        }
        if ("budget".equals(condition)) {
            return budget(r, scope, metric);
        }
        if ("anomaly".equals(condition)) {
            return anomaly(r, scope, metric);
        }
        if (r.baselineWeeks() != null) {
            throw new InvalidParameterException("baseline_weeks", "'baseline_weeks' applies to condition anomaly only");
        }
        if (r.budgetPeriod() != null || r.notifyAt() != null) {
            throw new InvalidParameterException(
                    r.budgetPeriod() != null ? "budget_period" : "notify_at",
                    "'budget_period' and 'notify_at' apply to condition budget only");
        }
        long window = window(r.window()).toSeconds();
        String operator = direction(r.operator(), "'operator' must be > or <");
        threshold(r.threshold(), metric, condition);
        if ("change".equals(condition)) {
            if (!"previous_window".equals(r.compareTo()) && !"last_week".equals(r.compareTo())) {
                throw new InvalidParameterException(
                        "compare_to",
                        "condition change needs 'compare_to' previous_window or last_week; got "
                                + (r.compareTo() == null ? "nothing" : "'" + r.compareTo() + "'"));
            }
        } else if (r.compareTo() != null) {
            throw new InvalidParameterException("compare_to", "'compare_to' applies to condition change only");
        }
        if (r.minVolume() != null && (r.minVolume() < 0 || r.minVolume() > MAX_MIN_VOLUME)) {
            throw new InvalidParameterException(
                    "min_volume", "'min_volume' must be between 0 and " + MAX_MIN_VOLUME + "; got " + r.minVolume());
        }
        if (r.consecutive() != null && (r.consecutive() < 1 || r.consecutive() > MAX_CONSECUTIVE)) {
            throw new InvalidParameterException(
                    "consecutive",
                    "'consecutive' must be between 1 and " + MAX_CONSECUTIVE + "; got " + r.consecutive());
        }
        webhook(r);
        return new Checked(r, scope, metric, window, operator, null, null);
    }

    /** A budget: the cost of a calendar period against a limit, with notification levels. */
    private static Checked budget(RuleRequest r, RuleRequest.Scope scope, Metric metric) {
        if (metric != Metric.COST) {
            throw new InvalidParameterException(
                    "metric", "a budget limits spend: 'metric' must be cost; got '" + metric.parameterValue() + "'");
        }
        if (r.window() != null) {
            throw new InvalidParameterException(
                    "window", "a budget has no 'window': its 'budget_period' (day, week or month) decides");
        }
        if (!List.of("day", "week", "month").contains(r.budgetPeriod() == null ? "" : r.budgetPeriod())) {
            throw new InvalidParameterException(
                    "budget_period",
                    "'budget_period' must be day, week or month; got "
                            + (r.budgetPeriod() == null ? "nothing" : "'" + r.budgetPeriod() + "'"));
        }
        if (r.operator() != null && !">".equals(r.operator())) {
            throw new InvalidParameterException("operator", "a budget fires above its levels: 'operator' must be >");
        }
        if (r.compareTo() != null) {
            throw new InvalidParameterException("compare_to", "'compare_to' applies to condition change only");
        }
        threshold(r.threshold(), metric, "threshold");
        if (r.threshold().signum() <= 0) {
            throw new InvalidParameterException(
                    "threshold", "'threshold' of a budget is its limit in USD and must be above 0");
        }
        List<BigDecimal> levels = r.notifyAt() == null ? DEFAULT_LEVELS : r.notifyAt();
        if (levels.isEmpty() || levels.size() > MAX_LEVELS) {
            throw new InvalidParameterException(
                    "notify_at", "'notify_at' must hold 1 to " + MAX_LEVELS + " levels; got " + levels.size());
        }
        for (int i = 0; i < levels.size(); i++) {
            BigDecimal level = levels.get(i);
            if (level == null
                    || level.signum() <= 0
                    || level.compareTo(MAX_LEVEL) > 0
                    || level.stripTrailingZeros().scale() > 4) {
                throw new InvalidParameterException(
                        "notify_at",
                        "'notify_at' levels are percentages above 0 and at most 1000 with at most 4 decimals; got "
                                + level);
            }
            if (i > 0 && level.compareTo(levels.get(i - 1)) <= 0) {
                throw new InvalidParameterException("notify_at", "'notify_at' levels must be strictly ascending");
            }
        }
        if (r.minVolume() != null || r.consecutive() != null) {
            throw new InvalidParameterException(
                    r.minVolume() != null ? "min_volume" : "consecutive",
                    "a budget fires when its spend crosses a level: 'min_volume' and 'consecutive' do not apply");
        }
        webhook(r);
        return new Checked(r, scope, metric, 0, "above", levels, null);
    }

    static final int MIN_BASELINE_WEEKS = 3;
    static final int MAX_BASELINE_WEEKS = 12;
    static final int DEFAULT_BASELINE_WEEKS = 4;
    static final int MAX_ANOMALY_HOURS = 24;
    static final BigDecimal MIN_K = BigDecimal.ONE;
    static final BigDecimal MAX_K = BigDecimal.valueOf(20);

    /**
     * An anomaly: each complete hour of the scope against the band of the same hour of the week over
     * past weeks, from the hourly rollups alone (so no user scope, which only raw facts answer).
     */
    private static Checked anomaly(RuleRequest r, RuleRequest.Scope scope, Metric metric) {
        if (r.window() != null && window(r.window()).compareTo(Duration.ofHours(1)) != 0) {
            throw new InvalidParameterException(
                    "window",
                    "an anomaly compares complete hours: 'window' must be 1h or absent; got '" + r.window() + "'");
        }
        if (scope.user() != null) {
            throw new InvalidParameterException(
                    "scope.user",
                    "an anomaly reads the hourly rollups, which have no user: scope it by prompt, version,"
                            + " environment, provider or model");
        }
        String operator = direction(r.operator(), "'operator' of an anomaly must be > (above its band) or < (below)");
        BigDecimal k = r.threshold();
        if (k == null
                || k.compareTo(MIN_K) < 0
                || k.compareTo(MAX_K) > 0
                || k.stripTrailingZeros().scale() > 4) {
            throw new InvalidParameterException(
                    "threshold",
                    "'threshold' of an anomaly is k, the band's half-width in scaled MADs: 1 to 20 with at most 4"
                            + " decimals; got " + (k == null ? "nothing" : k.toPlainString()));
        }
        if (r.compareTo() != null || r.budgetPeriod() != null || r.notifyAt() != null) {
            throw new InvalidParameterException(
                    r.compareTo() != null ? "compare_to" : r.budgetPeriod() != null ? "budget_period" : "notify_at",
                    "'compare_to', 'budget_period' and 'notify_at' do not apply to condition anomaly");
        }
        int weeks = r.baselineWeeks() == null ? DEFAULT_BASELINE_WEEKS : r.baselineWeeks();
        if (weeks < MIN_BASELINE_WEEKS || weeks > MAX_BASELINE_WEEKS) {
            throw new InvalidParameterException(
                    "baseline_weeks",
                    "'baseline_weeks' must be between " + MIN_BASELINE_WEEKS + " and " + MAX_BASELINE_WEEKS + "; got "
                            + weeks);
        }
        if (r.minVolume() != null && (r.minVolume() < 0 || r.minVolume() > MAX_MIN_VOLUME)) {
            throw new InvalidParameterException(
                    "min_volume", "'min_volume' must be between 0 and " + MAX_MIN_VOLUME + "; got " + r.minVolume());
        }
        if (r.consecutive() != null && (r.consecutive() < 1 || r.consecutive() > MAX_ANOMALY_HOURS)) {
            throw new InvalidParameterException(
                    "consecutive",
                    "'consecutive' of an anomaly counts hours: between 1 and " + MAX_ANOMALY_HOURS + "; got "
                            + r.consecutive());
        }
        webhook(r);
        return new Checked(r, scope, metric, Duration.ofHours(1).toSeconds(), operator, null, weeks);
    }

    static Duration window(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidParameterException("window", "'window' is required (5m to 30d)");
        }
        Duration window;
        var shortForm = SHORT_WINDOW.matcher(value);
        if (shortForm.matches()) {
            long n = Long.parseLong(shortForm.group(1));
            window = switch (shortForm.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                window = Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new InvalidParameterException(
                        "window", "'window' must be <n>m, <n>h, <n>d or an ISO-8601 duration; got '" + value + "'");
            }
        }
        if (window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
            throw new InvalidParameterException("window", "'window' must be between 5m and 30d; got '" + value + "'");
        }
        if (window.toSeconds() % 60 != 0) {
            throw new InvalidParameterException("window", "'window' must be whole minutes; got '" + value + "'");
        }
        return window;
    }

    /** The window as the API shows it: the largest of d, h, m that divides it. */
    static String describeWindow(long seconds) {
        long minutes = seconds / 60;
        if (minutes % (24 * 60) == 0) {
            return minutes / (24 * 60) + "d";
        }
        if (minutes % 60 == 0) {
            return minutes / 60 + "h";
        }
        return minutes + "m";
    }

    private static void threshold(BigDecimal threshold, Metric metric, String condition) {
        if (threshold == null) {
            throw new InvalidParameterException("threshold", "'threshold' is required");
        }
        if (threshold.abs().compareTo(MAX_THRESHOLD) >= 0
                || threshold.stripTrailingZeros().scale() > MAX_SCALE) {
            throw new InvalidParameterException(
                    "threshold",
                    "'threshold' must be below 1e20 in magnitude with at most " + MAX_SCALE + " decimal places; got "
                            + threshold.toPlainString());
        }
        if ("threshold".equals(condition) && threshold.signum() < 0) {
            throw new InvalidParameterException(
                    "threshold",
                    "'threshold' of a " + metric.parameterValue() + " threshold must be at least 0; got "
                            + threshold.toPlainString());
        }
        if ("threshold".equals(condition)
                && metric == Metric.ERROR_RATE
                && threshold.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw new InvalidParameterException(
                    "threshold",
                    "'threshold' of error_rate is a percentage, at most 100; got " + threshold.toPlainString());
        }
    }

    private static void webhook(RuleRequest r) {
        String format = r.webhookFormat();
        if (format != null && !format.equals("json") && !format.equals("slack")) {
            throw new InvalidParameterException(
                    "webhook_format", "'webhook_format' must be json or slack; got '" + format + "'");
        }
        if (r.webhookUrl() == null) {
            if (r.webhookSecret() != null) {
                throw new InvalidParameterException("webhook_secret", "'webhook_secret' needs a 'webhook_url'");
            }
            return;
        }
        if (r.webhookUrl().length() > MAX_URL) {
            throw new InvalidParameterException(
                    "webhook_url",
                    "'webhook_url' may have at most " + MAX_URL + " characters; got "
                            + r.webhookUrl().length());
        }
        try {
            var uri = new URI(r.webhookUrl());
            if (!uri.isAbsolute()
                    || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                    || uri.getHost() == null) {
                throw new URISyntaxException(r.webhookUrl(), "not an absolute http(s) URL");
            }
        } catch (URISyntaxException e) {
            throw new InvalidParameterException(
                    "webhook_url", "'webhook_url' must be an absolute http or https URL; got '" + r.webhookUrl() + "'");
        }
        String secret = r.webhookSecret();
        if (secret == null || secret.length() < MIN_SECRET || secret.length() > MAX_SECRET) {
            throw new InvalidParameterException(
                    "webhook_secret",
                    "'webhook_secret' is required with a webhook_url and must have " + MIN_SECRET + " to " + MAX_SECRET
                            + " characters; got " + (secret == null ? "none" : secret.length()));
        }
    }

    private static void text(String field, String value, int max, boolean required) {
        if (value == null) {
            if (required) {
                throw new InvalidParameterException(field, "'" + field + "' is required");
            }
            return;
        }
        if (value.isBlank() || value.length() > max) {
            throw new InvalidParameterException(
                    field, "'" + field + "' must have 1 to " + max + " characters; got " + value.length());
        }
    }

    /** "above" for {@code >}, "below" for {@code <}; otherwise a 400 naming {@code operator}. */
    private static String direction(String operator, String rule) {
        return switch (operator == null ? "" : operator) {
            case ">" -> "above";
            case "<" -> "below";
            default ->
                throw new InvalidParameterException(
                        "operator", rule + "; got " + (operator == null ? "nothing" : "'" + operator + "'"));
        };
    }
}
