package dev.promptengine.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.apache.commons.math3.stat.inference.TTest;
import org.junit.jupiter.api.Test;

class VersionComparisonIntegrationTests extends QueryApiTestSupport {

    @Test
    void comparesTwoVersionsWithTheirDifferences() {
        var body = get("/v1/analytics/prompts/summarize/versions/compare", params("versions", "1,2"), ACME_ANALYST)
                .json();

        var v1 = body.get("versions").get(0);
        assertThat(v1.get("version").asInt()).isEqualTo(1);
        assertThat(v1.get("executions").asLong()).isEqualTo(5);
        assertThat(v1.get("success_rate").decimalValue()).isEqualByComparingTo("60.0");
        assertThat(v1.get("error_rate").decimalValue()).isEqualByComparingTo("40.0");
        assertThat(v1.get("average_latency_ms").decimalValue()).isEqualByComparingTo("720.00");
        assertThat(v1.get("average_tokens").decimalValue()).isEqualByComparingTo("1138.00");
        assertThat(v1.get("average_cost").asString()).isEqualTo("0.00188");
        var v2 = body.get("versions").get(1);
        assertThat(v2.get("executions").asLong()).isEqualTo(4);
        assertThat(v2.get("average_latency_ms").decimalValue()).isEqualByComparingTo("8300.00");
        assertThat(v2.get("average_tokens").decimalValue()).isEqualByComparingTo("217.50");
        assertThat(v2.get("average_cost").asString()).isEqualTo("0.0010775");
        var diff = body.get("differences");
        assertThat(diff.get("success_rate").get("difference").decimalValue()).isEqualByComparingTo("-10.0");
        assertThat(diff.get("error_rate").get("difference").decimalValue()).isEqualByComparingTo("10.0");
        assertThat(diff.get("average_latency_ms").get("difference").decimalValue())
                .isEqualByComparingTo("7580.00");
        assertThat(diff.get("average_tokens").get("difference").decimalValue()).isEqualByComparingTo("-920.50");
        assertThat(diff.get("average_cost").get("difference").asString()).isEqualTo("-0.0008025");
    }

    @Test
    void testsRatesWithATwoProportionZTestAndMeansWithWelch() {
        var body = get("/v1/analytics/prompts/summarize/versions/compare", params("versions", "1,2"), ACME_ANALYST)
                .json();
        var diff = body.get("differences");

        // success 3/5 vs 2/4: pooled 5/9, z = -0.3, p = 2 * (1 - Phi(0.3)) = 0.7642
        assertThat(diff.get("success_rate").get("p_value").decimalValue()).isEqualByComparingTo("0.7642");
        assertThat(diff.get("success_rate").get("significant").asBoolean()).isFalse();
        // Welch on the raw latencies of each version, computed independently here
        double expected =
                new TTest().tTest(new double[] {1000, 1200, 300, 200, 900}, new double[] {800, 30000, 2000, 400});
        assertThat(diff.get("average_latency_ms").get("p_value").decimalValue())
                .isEqualByComparingTo(new BigDecimal(expected, new MathContext(4, RoundingMode.HALF_UP)));
        assertThat(diff.get("average_latency_ms").get("significant").asBoolean())
                .isFalse();
        assertThat(diff.get("p95_latency_ms").get("p_value").isNull()).isTrue();
        assertThat(body.get("tests").get("rates").asString()).contains("two-proportion z-test");
        assertThat(body.get("tests").get("means").asString()).contains("Welch");
    }

    @Test
    void rejectsAnythingButTwoDifferentVersions() {
        for (String versions : new String[] {"1", "1,1", "a,b", "1,2,3"}) {
            var response =
                    get("/v1/analytics/prompts/summarize/versions/compare", params("versions", versions), ACME_ANALYST);

            assertThat(response.status()).as(versions).isEqualTo(400);
            assertThat(response.json().get("parameter").asString()).isEqualTo("versions");
        }
        assertThat(get("/v1/analytics/prompts/summarize/versions/compare", ACME_ANALYST)
                        .status())
                .isEqualTo(400);
    }
}
