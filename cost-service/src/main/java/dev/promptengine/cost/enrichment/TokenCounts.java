package dev.promptengine.cost.enrichment;

/**
 * Token counts as the execution reports them: {@code input} includes the cached and cache-write
 * tokens, {@code output} includes the reasoning tokens.
 */
record TokenCounts(long input, long cachedInput, long cacheWrite, long output, long reasoning) {

    TokenCounts {
        requireNonNegative("input_tokens", input);
        requireNonNegative("cached_input_tokens", cachedInput);
        requireNonNegative("cache_write_tokens", cacheWrite);
        requireNonNegative("output_tokens", output);
        requireNonNegative("reasoning_tokens", reasoning);
        if (cachedInput + cacheWrite > input) {
            throw new InvalidTokenCountsException("cached_input_tokens (" + cachedInput + ") + cache_write_tokens ("
                    + cacheWrite + ") exceed input_tokens (" + input + "), which must include them");
        }
        if (reasoning > output) {
            throw new InvalidTokenCountsException("reasoning_tokens (" + reasoning + ") exceed output_tokens (" + output
                    + "), which must include them");
        }
    }

    long uncachedInput() {
        return input - cachedInput - cacheWrite;
    }

    private static void requireNonNegative(String field, long value) {
        if (value < 0) {
            throw new InvalidTokenCountsException(field + " is negative (" + value + ")");
        }
    }

    /** The execution's token counts contradict each other; it goes to the dead-letter topic. */
    static class InvalidTokenCountsException extends IllegalArgumentException {
        InvalidTokenCountsException(String message) {
            super(message);
        }
    }
}
