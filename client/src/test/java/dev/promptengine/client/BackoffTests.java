package dev.promptengine.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTests {

    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

    @Test
    void doublesFromTheInitialDelayUpToTheCap() {
        assertThat(backoff.delay(1, null)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(2, null)).isEqualTo(Duration.ofMillis(400));
        assertThat(backoff.delay(3, null)).isEqualTo(Duration.ofMillis(800));
        assertThat(backoff.delay(6, null)).isEqualTo(Duration.ofMillis(5000));
        assertThat(backoff.delay(1_000, null)).isEqualTo(Duration.ofMillis(5000));
    }

    @Test
    void retryAfterLengthensTheWaitButNotBeyondTheCap() {
        assertThat(backoff.delay(1, Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(4, Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(1600));
        assertThat(backoff.delay(1, Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(5));
    }
}
