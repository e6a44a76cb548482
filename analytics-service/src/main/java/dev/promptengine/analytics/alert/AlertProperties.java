package dev.promptengine.analytics.alert;

import dev.promptengine.schemas.Topics;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of alert evaluation and notification (docs/alerts.md).
 *
 * @param evaluationInterval how often every enabled rule is evaluated
 * @param notifyInterval how often the outbox is relayed (alert events, webhooks)
 * @param webhookConnectTimeout connecting to a webhook receiver
 * @param webhookTimeout the whole webhook request, answer included
 * @param webhookAttempts attempts per transition before its delivery is given up (status failed)
 * @param webhookBackoff pause after the first failed attempt; it doubles with each further one
 * @param maxWebhookBackoff the longest such pause
 * @param topic where transitions are published ({@link Topics#ALERT}; tests use their own)
 */
@Validated
@ConfigurationProperties("promptengine.alerts")
record AlertProperties(
        @NotNull @DefaultValue("1m") Duration evaluationInterval,
        @NotNull @DefaultValue("1s") Duration notifyInterval,
        @NotNull @DefaultValue("2s") Duration webhookConnectTimeout,
        @NotNull @DefaultValue("5s") Duration webhookTimeout,
        @Min(1) @DefaultValue("6") int webhookAttempts,
        @NotNull @DefaultValue("2s") Duration webhookBackoff,
        @NotNull @DefaultValue("5m") Duration maxWebhookBackoff,
        String topic) {

    AlertProperties {
        topic = topic == null || topic.isBlank() ? Topics.ALERT.name() : topic;
    }

    /** The pause before attempt {@code attempt + 1}, after {@code attempt} failed ones. */
    Duration backoffAfter(int attempt) {
        Duration pause = webhookBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
        return pause.compareTo(maxWebhookBackoff) > 0 ? maxWebhookBackoff : pause;
    }
}
