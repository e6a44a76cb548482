package dev.promptengine.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WorkloadTests {

    private static final int EVENTS = 30_000;

    @Test
    void zipfPopularityGivesTheKthPromptAndModelAShareProportionalToOneOverK() {
        var shares = shares(Workload.Popularity.ZIPF, p -> p.execution().getPromptSlug());
        double harmonic50 = harmonic(50);
        assertThat(shares.get(Workload.slug(0))).isCloseTo(1 / harmonic50, within(0.01));
        assertThat(shares.get(Workload.slug(1))).isCloseTo(1 / (2 * harmonic50), within(0.01));
        assertThat(shares.get(Workload.slug(9))).isCloseTo(1 / (10 * harmonic50), within(0.005));

        var models = shares(Workload.Popularity.ZIPF, p -> p.execution().getModel());
        // 1 % of executions use the unknown model; the six known ones share the rest by Zipf
        assertThat(models.get("gpt-4o")).isCloseTo(0.99 / harmonic(6), within(0.01));
        assertThat(models.get("claude-3-haiku-20240307")).isCloseTo(0.99 / (6 * harmonic(6)), within(0.01));
    }

    @Test
    void uniformPopularityKeepsModelsUniform() {
        var models = shares(Workload.Popularity.UNIFORM, p -> p.execution().getModel());
        for (var model : Workload.MODELS) {
            assertThat(models.get(model.name())).isCloseTo(0.99 / 6, within(0.01));
        }
    }

    @Test
    void cumulativeZipfEndsAtOne() {
        double[] cumulative = Workload.zipf(3);
        assertThat(cumulative[0]).isCloseTo(6.0 / 11, within(1e-12));
        assertThat(cumulative[1]).isCloseTo(9.0 / 11, within(1e-12));
        assertThat(cumulative[2]).isCloseTo(1.0, within(1e-12));
    }

    private static Map<String, Double> shares(Workload.Popularity popularity, Function<Workload.Pair, String> key) {
        var workload = new Workload(1, "t", popularity);
        var counts = new HashMap<String, Integer>();
        for (int i = 0; i < EVENTS; i++) {
            counts.merge(key.apply(workload.next(Workload.Content.METADATA_ONLY, Instant.EPOCH)), 1, Integer::sum);
        }
        var shares = new HashMap<String, Double>();
        counts.forEach((k, n) -> shares.put(k, n / (double) EVENTS));
        return shares;
    }

    private static double harmonic(int n) {
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            sum += 1.0 / k;
        }
        return sum;
    }
}
