package dev.promptengine.analytics.facts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorCategoriesTests {

    @Test
    void timeoutStatusIsAlwaysTimeout() {
        assertThat(ErrorCategories.categorize("timeout", "Invalid API key")).isEqualTo("timeout");
        assertThat(ErrorCategories.categorize("timeout", null)).isEqualTo("timeout");
    }

    @Test
    void errorsAreCategorisedByTheirMessage() {
        assertThat(ErrorCategories.categorize("error", "Rate limit reached for gpt-4o"))
                .isEqualTo("rate_limit");
        assertThat(ErrorCategories.categorize("error", "HTTP 429 Too Many Requests"))
                .isEqualTo("rate_limit");
        assertThat(ErrorCategories.categorize("error", "Incorrect API key provided"))
                .isEqualTo("authentication");
        assertThat(ErrorCategories.categorize("error", "401 Unauthorized")).isEqualTo("authentication");
        assertThat(ErrorCategories.categorize("error", "Request timed out")).isEqualTo("timeout");
        assertThat(ErrorCategories.categorize("error", "Connection reset by peer"))
                .isEqualTo("network");
        assertThat(ErrorCategories.categorize("error", "503 Service Unavailable"))
                .isEqualTo("network");
        assertThat(ErrorCategories.categorize("error", "Invalid request: messages is required"))
                .isEqualTo("invalid_request");
        assertThat(ErrorCategories.categorize("error", "This model's maximum context length is 8192 tokens"))
                .isEqualTo("invalid_request");
        assertThat(ErrorCategories.categorize("error", "The server had an error"))
                .isEqualTo("other");
        assertThat(ErrorCategories.categorize("error", null)).isEqualTo("other");
    }

    @Test
    void successAndUnknownHaveNoErrorType() {
        assertThat(ErrorCategories.categorize("success", "rate limit")).isEqualTo("none");
        assertThat(ErrorCategories.categorize("unknown", null)).isEqualTo("none");
    }
}
