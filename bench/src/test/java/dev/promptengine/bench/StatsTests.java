package dev.promptengine.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class StatsTests {

    @Test
    void medianOfAnOddNumberOfRunsIsTheMiddleOne() {
        // Given three runs in any order
        var samples = List.of(120.0, 100.0, 90.0);

        // When
        var stats = Stats.of(samples);

        // Then
        assertThat(stats.runs()).isEqualTo(3);
        assertThat(stats.median()).isEqualTo(100.0);
        assertThat(stats.min()).isEqualTo(90.0);
        assertThat(stats.max()).isEqualTo(120.0);
        assertThat(stats.spreadPercent()).isCloseTo(30.0, within(1e-9));
    }

    @Test
    void medianOfAnEvenNumberOfRunsIsTheMeanOfTheMiddleTwo() {
        var stats = Stats.of(List.of(4.0, 1.0, 3.0, 2.0));

        assertThat(stats.median()).isEqualTo(2.5);
        assertThat(stats.mean()).isEqualTo(2.5);
    }

    @Test
    void percentilesUseNearestRank() {
        // Given latencies 1..100
        long[] sorted = LongStream.rangeClosed(1, 100).toArray();

        // Then p50 is the 50th value and p99 the 99th, p100 the maximum
        assertThat(Stats.percentile(sorted, 50)).isEqualTo(50);
        assertThat(Stats.percentile(sorted, 99)).isEqualTo(99);
        assertThat(Stats.percentile(sorted, 99.9)).isEqualTo(100);
        assertThat(Stats.percentile(sorted, 100)).isEqualTo(100);
        assertThat(Stats.percentile(new long[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void refusesEmptySamples() {
        assertThatThrownBy(() -> Stats.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Stats.percentile(new long[0], 50)).isInstanceOf(IllegalArgumentException.class);
    }
}
