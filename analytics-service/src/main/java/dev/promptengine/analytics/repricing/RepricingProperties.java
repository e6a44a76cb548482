package dev.promptengine.analytics.repricing;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param pricingUrl base URL of cost-service, whose {@code POST /v1/prices/quote} prices the executions
 * @param maxRange the longest range one re-pricing covers
 * @param chunk executions read, quoted and published per step (cost-service takes at most 10,000 per quote)
 * @param quoteTimeout how long one quote may take
 */
@Validated
@ConfigurationProperties("promptengine.repricing")
public record RepricingProperties(
        @NotNull @DefaultValue("http://127.0.0.1:8082") URI pricingUrl,
        @NotNull @DefaultValue("400d") Duration maxRange,
        @Min(1) @Max(10_000) @DefaultValue("5000") int chunk,
        @NotNull @DefaultValue("60s") Duration quoteTimeout) {}
