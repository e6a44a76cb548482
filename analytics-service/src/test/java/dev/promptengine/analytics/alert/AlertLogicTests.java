package dev.promptengine.analytics.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptengine.analytics.filter.InvalidParameterException;
import dev.promptengine.analytics.query.WindowTotals.Totals;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The state machine, the comparisons, the metric values, window parsing and the webhook signature. */
class AlertLogicTests {

    @Test
    void firesOnlyAfterTheConfiguredConsecutiveBreachesAndResolvesOnTheFirstQuietEvaluation() {
        var first = StateMachine.next(StateMachine.OK, 0, true, 3);
        assertThat(first).isEqualTo(new StateMachine.Step(StateMachine.PENDING, 1));
        var second = StateMachine.next(first.state(), first.breaches(), true, 3);
        assertThat(second).isEqualTo(new StateMachine.Step(StateMachine.PENDING, 2));
        var third = StateMachine.next(second.state(), second.breaches(), true, 3);
        assertThat(third).isEqualTo(new StateMachine.Step(StateMachine.FIRING, 3));
        assertThat(third.changes(StateMachine.PENDING)).isTrue();
        var still = StateMachine.next(third.state(), third.breaches(), true, 3);
        assertThat(still.changes(StateMachine.FIRING)).isFalse();
        assertThat(StateMachine.next(StateMachine.FIRING, 3, false, 3))
                .isEqualTo(new StateMachine.Step(StateMachine.RESOLVED, 0));
        assertThat(StateMachine.next(StateMachine.RESOLVED, 0, false, 3).changes(StateMachine.RESOLVED))
                .isFalse();
        assertThat(StateMachine.next(StateMachine.PENDING, 2, false, 3))
                .isEqualTo(new StateMachine.Step(StateMachine.OK, 0));
        assertThat(StateMachine.next(StateMachine.RESOLVED, 0, true, 1))
                .isEqualTo(new StateMachine.Step(StateMachine.FIRING, 1));
    }

    @Test
    void comparesStrictlyAndComputesTheChangeInPercentAgainstTheBase() {
        assertThat(RuleCheck.breaches(new BigDecimal("10.00"), "above", new BigDecimal("10")))
                .isFalse();
        assertThat(RuleCheck.breaches(new BigDecimal("10.01"), "above", new BigDecimal("10")))
                .isTrue();
        assertThat(RuleCheck.breaches(new BigDecimal("9.99"), "below", new BigDecimal("10")))
                .isTrue();
        assertThat(RuleCheck.change(new BigDecimal("30"), new BigDecimal("20"))).isEqualByComparingTo("50");
        assertThat(RuleCheck.change(new BigDecimal("5"), new BigDecimal("20"))).isEqualByComparingTo("-75");
        assertThat(RuleCheck.change(new BigDecimal("5"), BigDecimal.ZERO)).isNull();
        assertThat(RuleCheck.change(null, new BigDecimal("5"))).isNull();
    }

    @Test
    void metricValuesComeFromTheWindowTotals() {
        var totals = new Totals(8, 2, 1200, new BigDecimal("0.123456789012345678"), 1, 812.4, 1530.0);
        assertThat(Metric.COST.value(totals, 0)).isEqualByComparingTo("0.123456789012345678");
        assertThat(Metric.ERROR_RATE.value(totals, 0)).isEqualByComparingTo("25");
        assertThat(Metric.P95_LATENCY_MS.value(totals, 0)).isEqualByComparingTo("812.4");
        assertThat(Metric.TOKENS.value(totals, 0)).isEqualByComparingTo("1200");
        assertThat(Metric.UNPRICED_EXECUTIONS.value(totals, 0)).isEqualByComparingTo("1");
        assertThat(Metric.USAGES.value(totals, 5)).isEqualByComparingTo("5");
        assertThat(Metric.USAGES.volume(totals, 5)).isEqualTo(5);
        assertThat(Metric.EXECUTIONS.volume(totals, 5)).isEqualTo(8);
        var empty = new Totals(0, 0, 0, BigDecimal.ZERO, 0, null, null);
        assertThat(Metric.ERROR_RATE.value(empty, 0)).isNull();
        assertThat(Metric.P99_LATENCY_MS.value(empty, 0)).isNull();
    }

    @Test
    void windowsAreFiveMinutesToThirtyDaysInWholeMinutes() {
        assertThat(RuleValidation.window("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(RuleValidation.window("PT90M")).isEqualTo(Duration.ofMinutes(90));
        assertThat(RuleValidation.window("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(RuleValidation.describeWindow(Duration.ofMinutes(90).toSeconds()))
                .isEqualTo("90m");
        assertThat(RuleValidation.describeWindow(Duration.ofHours(48).toSeconds()))
                .isEqualTo("2d");
        for (String bad : new String[] {"4m", "31d", "PT5M30S", "1w", ""}) {
            assertThatThrownBy(() -> RuleValidation.window(bad))
                    .isInstanceOf(InvalidParameterException.class)
                    .satisfies(e -> assertThat(((InvalidParameterException) e).parameter())
                            .isEqualTo("window"));
        }
    }

    @Test
    void budgetPeriodsAreCalendarDaysWeeksFromMondayAndMonthsInUtc() {
        var now = java.time.Instant.parse("2026-12-03T12:00:00Z"); // a Thursday
        assertThat(RuleCheck.periodStart("day", now)).isEqualTo(java.time.Instant.parse("2026-12-03T00:00:00Z"));
        assertThat(RuleCheck.periodStart("week", now)).isEqualTo(java.time.Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(RuleCheck.periodStart("month", now)).isEqualTo(java.time.Instant.parse("2026-12-01T00:00:00Z"));
        assertThat(RuleCheck.periodEnd("month", RuleCheck.periodStart("month", now)))
                .isEqualTo(java.time.Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(RuleCheck.periodEnd("week", RuleCheck.periodStart("week", now)))
                .isEqualTo(java.time.Instant.parse("2026-12-07T00:00:00Z"));
    }

    @Test
    void aBudgetReachesTheHighestLevelItsSpendCoversAndForecastsLinearly() {
        var levels = RuleValidation.DEFAULT_LEVELS;
        assertThat(RuleCheck.level(new BigDecimal("4.99"), BigDecimal.TEN, levels))
                .isNull();
        assertThat(RuleCheck.level(new BigDecimal("5.00"), BigDecimal.TEN, levels))
                .isEqualByComparingTo("50");
        assertThat(RuleCheck.level(new BigDecimal("7.999999"), BigDecimal.TEN, levels))
                .isEqualByComparingTo("50");
        assertThat(RuleCheck.level(new BigDecimal("8"), BigDecimal.TEN, levels)).isEqualByComparingTo("80");
        assertThat(RuleCheck.level(new BigDecimal("12"), BigDecimal.TEN, levels))
                .isEqualByComparingTo("100");
        // 2 days of a 31-day month spent 6.20: 31 days at that rate spend 96.10
        var start = java.time.Instant.parse("2026-12-01T00:00:00Z");
        assertThat(RuleCheck.forecast(
                        new BigDecimal("6.20"),
                        start,
                        java.time.Instant.parse("2026-12-03T00:00:00Z"),
                        java.time.Instant.parse("2027-01-01T00:00:00Z")))
                .isEqualByComparingTo("96.10");
    }

    @Test
    void budgetsAreCostRulesWithAPeriodAndAscendingLevels() {
        String base = "{\"name\": \"b\", \"metric\": \"cost\", \"condition\": \"budget\", \"budget_period\": \"month\","
                + " \"threshold\": 100";
        assertThat(RuleValidation.check(request(base + "}")).notifyAt()).isEqualTo(RuleValidation.DEFAULT_LEVELS);
        assertRefused(base.replace("\"cost\"", "\"tokens\"") + "}", "metric");
        assertRefused(base.replace("\"month\"", "\"year\"") + "}", "budget_period");
        assertRefused(base + ", \"window\": \"1h\"}", "window");
        assertRefused(base.replace("100", "0") + "}", "threshold");
        assertRefused(base + ", \"notify_at\": [80, 50]}", "notify_at");
        assertRefused(base + ", \"notify_at\": [0]}", "notify_at");
        assertRefused(base + ", \"operator\": \"<\"}", "operator");
        assertRefused(
                base.replace("\"budget\"", "\"threshold\"") + ", \"window\": \"1h\", \"operator\": \">\"}",
                "budget_period");
    }

    @Test
    void anAnomalyBandIsTheMedianPlusOrMinusKScaledMadsWithAFloorOfATenthOfTheMedian() {
        // Given four weeks of the same hour: 10, 12, 14, 30 (median 13, deviations 3, 1, 1, 17: MAD 2)
        var baseline = java.util.List.of(sample("10"), sample("12"), sample("14"), sample("30"));

        // When the band is built with k = 3
        var band = AnomalyBand.of(baseline, new BigDecimal("3"));

        // Then it is 13 ± 3 × 1.4826 × 2 = 13 ± 8.8956, strictly compared on the operator's side
        assertThat(band.median()).isEqualByComparingTo("13");
        assertThat(band.deviation()).isEqualByComparingTo("2.9652");
        assertThat(band.upper()).isEqualByComparingTo("21.8956");
        assertThat(band.lower()).isEqualByComparingTo("4.1044");
        assertThat(band.outside(new BigDecimal("21.8957"), "above")).isTrue();
        assertThat(band.outside(new BigDecimal("21.8956"), "above")).isFalse();
        assertThat(band.outside(new BigDecimal("4.1043"), "below")).isTrue();
        assertThat(band.outside(new BigDecimal("4.1043"), "above")).isFalse();
        assertThat(band.edge("above")).isEqualByComparingTo("21.8956");

        // and four equal weeks (MAD 0) still have a band of k × 10 % of the median
        var flat = AnomalyBand.of(
                java.util.List.of(sample("100"), sample("100"), sample("100"), sample("100")), new BigDecimal("3"));
        assertThat(flat.upper()).isEqualByComparingTo("130");
        assertThat(flat.lower()).isEqualByComparingTo("70");

        // and an hour of the week with traffic in fewer than three baseline weeks has no band
        assertThat(AnomalyBand.of(
                        java.util.List.of(
                                sample("5"),
                                sample("7"),
                                new AnomalyBand.Sample(BigDecimal.ZERO, 0),
                                new AnomalyBand.Sample(BigDecimal.ZERO, 0)),
                        new BigDecimal("3")))
                .isNull();
        assertThat(AnomalyBand.median(java.util.List.of(new BigDecimal("1"), new BigDecimal("2"))))
                .isEqualByComparingTo("1.5");
    }

    private static AnomalyBand.Sample sample(String value) {
        return new AnomalyBand.Sample(new BigDecimal(value), 10);
    }

    @Test
    void anomaliesCompareCompleteHoursWithAConfigurableBaselineAndRefuseWhatDoesNotApply() {
        String base = "{\"name\": \"a\", \"metric\": \"cost\", \"condition\": \"anomaly\", \"operator\": \">\","
                + " \"threshold\": 3";
        var checked = RuleValidation.check(request(base + "}"));
        assertThat(checked.baselineWeeks()).isEqualTo(RuleValidation.DEFAULT_BASELINE_WEEKS);
        assertThat(checked.windowSeconds()).isEqualTo(3600);
        assertThat(RuleValidation.check(request(base + ", \"baseline_weeks\": 12, \"consecutive\": 24}"))
                        .baselineWeeks())
                .isEqualTo(12);
        assertRefused(base + ", \"baseline_weeks\": 2}", "baseline_weeks");
        assertRefused(base + ", \"baseline_weeks\": 13}", "baseline_weeks");
        assertRefused(base + ", \"consecutive\": 25}", "consecutive");
        assertRefused(base + ", \"window\": \"2h\"}", "window");
        assertRefused(base + ", \"scope\": {\"user\": \"u-1\"}}", "scope.user");
        assertRefused(base + ", \"compare_to\": \"last_week\"}", "compare_to");
        assertRefused(base.replace("3", "0.5") + "}", "threshold");
        assertRefused(base.replace("3", "21") + "}", "threshold");
        assertRefused(base.replace("\">\"", "\"=\"") + "}", "operator");
        assertRefused(
                "{\"name\": \"t\", \"metric\": \"cost\", \"condition\": \"threshold\", \"operator\": \">\","
                        + " \"threshold\": 3, \"window\": \"1h\", \"baseline_weeks\": 4}",
                "baseline_weeks");
    }

    private static RuleRequest request(String json) {
        return tools.jackson.databind.json.JsonMapper.builder().build().readValue(json, RuleRequest.class);
    }

    private static void assertRefused(String json, String field) {
        assertThatThrownBy(() -> RuleValidation.check(request(json)))
                .as(json)
                .isInstanceOf(InvalidParameterException.class)
                .satisfies(e ->
                        assertThat(((InvalidParameterException) e).parameter()).isEqualTo(field));
    }

    @Test
    void signsTimestampAndBodyWithHmacSha256() {
        // expected value from: echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 0123456789abcdef
        assertThat(WebhookSignature.sign("0123456789abcdef", 1_700_000_000L, "{\"a\":1}"))
                .isEqualTo("sha256=9eb18f493f8ec135d9eb2dad817c369bb4e9cbfa818657897a7437c1cd8c3a23");
    }

    @Test
    void backoffDoublesUpToItsLimit() {
        var properties = new AlertProperties(
                Duration.ofMinutes(1),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                6,
                Duration.ofSeconds(2),
                Duration.ofSeconds(10),
                null);
        assertThat(properties.backoffAfter(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(properties.backoffAfter(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(properties.backoffAfter(3)).isEqualTo(Duration.ofSeconds(8));
        assertThat(properties.backoffAfter(4)).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.topic()).isEqualTo("promptengine.alert.v1");
    }
}
