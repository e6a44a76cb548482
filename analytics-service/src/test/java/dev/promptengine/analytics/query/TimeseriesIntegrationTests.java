package dev.promptengine.analytics.query;

import static dev.promptengine.analytics.query.TestData.D0_DATE;
import static dev.promptengine.analytics.query.TestData.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TimeseriesIntegrationTests extends QueryApiTestSupport {

    @Test
    void countsExecutionsPerDayOverTheLast7DaysWithEveryDay() {
        var body = get("/v1/analytics/timeseries", ACME_ANALYST).json();

        assertThat(body.get("metric").asString()).isEqualTo("executions");
        assertThat(body.get("bucket").asString()).isEqualTo("day");
        var series = body.get("series");
        assertThat(series).hasSize(1);
        assertThat(series.get(0).get("name").isNull()).isTrue();
        assertThat(values(series.get(0))).isEqualTo("0,0,0,0,0,2,3,7");
        assertThat(series.get(0).get("points").get(0).get("bucket_start").asString())
                .isEqualTo(at(-7, 0, 0).toString());
    }

    @Test
    void givesCostPerHourByModel() {
        var series = get(
                        "/v1/analytics/timeseries",
                        params(
                                "metric",
                                "cost",
                                "bucket",
                                "hour",
                                "group_by",
                                "model",
                                "from",
                                at(0, 0, 0).toString(),
                                "to",
                                at(0, 3, 0).toString()),
                        ACME_ANALYST)
                .json()
                .get("series");

        assertThat(series).hasSize(2);
        assertThat(series.get(0).get("name").asString()).isEqualTo("claude-sonnet");
        assertThat(values(series.get(0))).isEqualTo("0.004,0,0");
        assertThat(series.get(1).get("name").asString()).isEqualTo("gpt-4o-mini");
        assertThat(values(series.get(1))).isEqualTo("0,0.0001,0");
    }

    @Test
    void groupsByUserFromRawFacts() {
        var series = get(
                        "/v1/analytics/timeseries",
                        params("group_by", "user", "from", D0_DATE.minusDays(2).toString(), "to", D0_DATE.toString()),
                        ACME_ANALYST)
                .json()
                .get("series");

        // the date 'to' includes the whole of D0, so e14 (erin, 12:40) counts too
        assertThat(series.valueStream()
                        .map(s -> s.get("name").isNull() ? "-" : s.get("name").asString()))
                .containsExactly("-", "alice", "bob", "carol", "dave", "erin");
        assertThat(values(series.get(1))).isEqualTo("2,0,2");
        assertThat(values(series.get(2))).isEqualTo("0,3,0");
        assertThat(values(series.get(3))).isEqualTo("0,0,3");
    }

    @Test
    void givesP95LatencyPerDayFromHistograms() {
        var points = get(
                        "/v1/analytics/timeseries",
                        params(
                                "metric",
                                "p95_latency_ms",
                                "from",
                                D0_DATE.minusDays(3).toString(),
                                "to",
                                D0_DATE.minusDays(1).toString()),
                        ACME_ANALYST)
                .json()
                .get("series")
                .get(0)
                .get("points");

        assertThat(points.get(0).get("value").isNull()).isTrue(); // D-3: no executions
        assertThat(points.get(1).get("value").asDouble()).isCloseTo(1000, within(1000 * 0.02)); // D-2
        assertThat(points.get(2).get("value").asDouble()).isCloseTo(800, within(800 * 0.02)); // D-1
    }

    @Test
    void givesErrorRateAndUsagesPerDay() {
        var errorRate = get(
                        "/v1/analytics/timeseries",
                        params(
                                "metric",
                                "error_rate",
                                "from",
                                D0_DATE.minusDays(2).toString(),
                                "to",
                                D0_DATE.minusDays(1).toString()),
                        ACME_ANALYST)
                .json();
        var usages = get(
                        "/v1/analytics/timeseries",
                        params(
                                "metric",
                                "usages",
                                "group_by",
                                "prompt",
                                "from",
                                D0_DATE.minusDays(1).toString(),
                                "to",
                                at(0, 12, 30).toString()),
                        ACME_ANALYST)
                .json();

        assertThat(values(errorRate.get("series").get(0))).isEqualTo("0.0,66.7");
        assertThat(usages.get("series").get(0).get("name").asString()).isEqualTo("classify");
        assertThat(values(usages.get("series").get(0))).isEqualTo("1,4"); // u-extra-2; e7, e10, e11, e12
        assertThat(values(usages.get("series").get(1))).isEqualTo("3,4"); // e3, e4, e5; e6, e8, e9, u-extra-1
    }

    @Test
    void rejectsUnknownMetricsBucketsAndGroupings() {
        assertThat(get("/v1/analytics/timeseries", params("metric", "revenue"), ACME_ANALYST)
                        .json()
                        .get("parameter")
                        .asString())
                .isEqualTo("metric");
        assertThat(get("/v1/analytics/timeseries", params("bucket", "week"), ACME_ANALYST)
                        .json()
                        .get("parameter")
                        .asString())
                .isEqualTo("bucket");
        assertThat(get("/v1/analytics/timeseries", params("group_by", "prompt_slug"), ACME_ANALYST)
                        .status())
                .isEqualTo(400);
        assertThat(get("/v1/analytics/timeseries", params("metric", "usages", "group_by", "model"), ACME_ANALYST)
                        .status())
                .isEqualTo(400);
        assertThat(get(
                                "/v1/analytics/timeseries",
                                params("bucket", "hour", "from", "2020-01-01", "to", "2026-01-01"),
                                ACME_ANALYST)
                        .status())
                .isEqualTo(400);
    }

    private static String values(JsonNode series) {
        return String.join(
                ",",
                series.get("points")
                        .valueStream()
                        .map(p -> p.get("value").asString())
                        .toList());
    }
}
