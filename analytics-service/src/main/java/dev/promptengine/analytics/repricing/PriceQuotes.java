package dev.promptengine.analytics.repricing;

import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;
import org.springframework.web.client.RestClientResponseException;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * Asks cost-service what executions cost with today's catalog ({@code POST /v1/prices/quote}): the
 * same code that prices the live stream, so a re-priced execution costs exactly what it would cost if
 * it arrived now. The caller's own API key goes with the request, so cost-service applies its own
 * rules (a tenant admin quotes its own tenant only).
 */
@Component
class PriceQuotes {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Item(
            UUID id,
            String tenant,
            String provider,
            String model,
            Instant occurredAt,
            long inputTokens,
            long outputTokens,
            long cachedInputTokens,
            long cacheWriteTokens,
            long reasoningTokens,
            String providerCost) {}

    record Request(List<Item> executions) {}

    /** One execution's cost as the enrichment would give it now; amounts are exact decimal strings. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Quote(
            UUID id,
            String pricingStatus,
            UUID priceId,
            Integer priceVersion,
            String priceLayer,
            String matchedRule,
            UUID discountId,
            BigDecimal discountPercent,
            String costSource,
            BigDecimal inputCost,
            BigDecimal cachedInputCost,
            BigDecimal cacheWriteCost,
            BigDecimal outputCost,
            BigDecimal reasoningCost,
            BigDecimal totalCost,
            BigDecimal catalogCost,
            BigDecimal providerCost,
            boolean longContextApplied) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Response(List<Quote> costs, Instant catalogAsOf) {}

    /** cost-service refused or could not be reached; nothing was changed. */
    static final class QuoteFailedException extends RuntimeException {
        private final int status;

        QuoteFailedException(int status, String message, Throwable cause) {
            super(message, cause);
            this.status = status;
        }

        /** cost-service's HTTP status, 0 when it did not answer. */
        int status() {
            return status;
        }
    }

    private final RestClient client;

    PriceQuotes(RepricingProperties properties) {
        var factory = new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(5))
                .build());
        factory.setReadTimeout(properties.quoteTimeout());
        this.client = RestClient.builder()
                .baseUrl(properties.pricingUrl().toString())
                .requestFactory(factory)
                .build();
    }

    Response quote(String authorization, List<Item> items) {
        try {
            Response response = client.post()
                    .uri("/v1/prices/quote")
                    .header(HttpHeaders.AUTHORIZATION, authorization)
                    .contentType(MediaType.APPLICATION_JSON)
                    .accept(MediaType.APPLICATION_JSON)
                    .body(new Request(items))
                    .retrieve()
                    .body(Response.class);
            if (response == null || response.costs() == null || response.costs().size() != items.size()) {
                throw new QuoteFailedException(
                        502,
                        "cost-service answered " + (response == null ? "nothing" : "a different number of costs")
                                + " for " + items.size() + " executions",
                        null);
            }
            return response;
        } catch (RestClientResponseException e) {
            throw new QuoteFailedException(
                    e.getStatusCode().value(),
                    "cost-service answered " + e.getStatusCode().value() + " to the quote: "
                            + e.getResponseBodyAsString(),
                    e);
        } catch (RestClientException e) {
            throw new QuoteFailedException(0, "cost-service could not be reached for a quote: " + e.getMessage(), e);
        }
    }
}
