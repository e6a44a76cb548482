package dev.promptengine.client;

import java.time.Duration;

/**
 * Exponential backoff between delivery attempts of one batch: {@code initial}, doubling, at most
 * {@code max}. A server's {@code Retry-After} lengthens a wait but never beyond {@code max}.
 */
record Backoff(Duration initial, Duration max) {

    /** The wait after the {@code attempt}-th failed attempt (1-based). */
    Duration delay(int attempt, Duration retryAfter) {
        long millis = initial.toMillis();
        for (int i = 1; i < attempt && millis < max.toMillis(); i++) {
            millis *= 2;
        }
        if (retryAfter != null) {
            millis = Math.max(millis, retryAfter.toMillis());
        }
        return Duration.ofMillis(Math.min(millis, max.toMillis()));
    }
}
