package dev.promptengine.analytics.alert;

import static dev.promptengine.analytics.alert.AlertStore.instant;
import static dev.promptengine.analytics.alert.AlertStore.timestamp;

import dev.promptengine.analytics.WritePool;
import dev.promptengine.analytics.deadletter.Acknowledgements;
import dev.promptengine.events.Alert;
import dev.promptengine.schemas.AvroSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Relays the outbox ({@code alert_notification}): every transition to the alert topic, and to the
 * rule's webhook with a signature, a timeout and retries with exponential backoff, each attempt in
 * the delivery log ({@code webhook_delivery}). One instance relays at a time (advisory lock), in
 * order of the transitions. A row is marked delivered in the transaction that saw the broker's or
 * the receiver's acknowledgement; only a crash between the two sends it again, with the same
 * transition id (docs/alerts.md, "Delivery").
 */
@Component
class AlertNotifier {

    private static final Logger log = LoggerFactory.getLogger(AlertNotifier.class);
    private static final int BATCH = 200;

    private static final String DUE = """
            SELECT n.transition_id, n.attempts, t.rule_id, t.tenant, t.sequence, t.previous_state, t.state, t.value,
                   t.threshold, t.window_start, t.window_end, t.occurred_at, t.silenced, t.level, t.forecast,
                   r.name, r.metric, r.condition, r.operator, r.prompt, r.prompt_version, r.environment, r.provider,
                   r.model, r.user_identifier, r.webhook_url, r.webhook_secret, r.webhook_format
            FROM alert_notification n
            JOIN alert_transition t ON t.id = n.transition_id
            JOIN alert_rule r ON r.id = t.rule_id
            WHERE n.channel = :channel AND n.status = 'pending' AND n.next_attempt_at <= :now
            ORDER BY t.occurred_at, t.rule_id, t.sequence
            LIMIT %d
            """.formatted(BATCH);

    private record Due(Notice notice, int attempts, String url, String secret, String format) {}

    private final WritePool pool;
    private final AlertStore store;
    private final KafkaTemplate<String, byte[]> kafka;
    private final AlertProperties properties;
    private final Clock clock;
    private final HttpClient http;
    private final AvroSerializer<Alert> avro = new AvroSerializer<>();

    AlertNotifier(
            WritePool pool,
            AlertStore store,
            KafkaTemplate<String, byte[]> kafka,
            AlertProperties properties,
            Clock clock) {
        this.pool = pool;
        this.store = store;
        this.kafka = kafka;
        this.properties = properties;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.webhookConnectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Scheduled(initialDelayString = "0", fixedDelayString = "${promptengine.alerts.notify-interval:1s}")
    void relay() {
        try {
            pool.transactions().executeWithoutResult(status -> publishEvents());
        } catch (RuntimeException e) {
            log.warn("Alert events not published yet (retrying): {}", e.toString());
        }
        try {
            pool.transactions().executeWithoutResult(status -> callWebhooks());
        } catch (RuntimeException e) {
            log.warn("Alert webhooks not called yet (retrying): {}", e.toString());
        }
    }

    /** Publishes due transitions to the alert topic; answers how many. */
    int publishEvents() {
        if (!store.tryLock(AlertStore.NOTIFICATION_LOCK)) {
            return 0;
        }
        List<Due> due = due("kafka");
        if (due.isEmpty()) {
            return 0;
        }
        Acknowledgements.sendAll(
                kafka,
                due.stream()
                        .map(d -> new ProducerRecord<>(
                                properties.topic(),
                                d.notice().ruleId().toString(),
                                avro.serialize(properties.topic(), d.notice().event())))
                        .toList(),
                "alert transitions");
        for (var d : due) {
            delivered(d.notice().transitionId(), "kafka");
        }
        return due.size();
    }

    /** Calls the webhooks of due transitions, one attempt each; answers how many were delivered. */
    int callWebhooks() {
        if (!store.tryLock(AlertStore.NOTIFICATION_LOCK)) {
            return 0;
        }
        int delivered = 0;
        for (var d : due("webhook")) {
            if (attempt(d)) {
                delivered++;
            }
        }
        return delivered;
    }

    private boolean attempt(Due d) {
        var notice = d.notice();
        String body = "slack".equals(d.format()) ? notice.slack() : notice.json();
        Instant now = clock.instant();
        long timestamp = now.getEpochSecond();
        int attempt = d.attempts() + 1;
        Integer status = null;
        String error = null;
        long started = System.nanoTime();
        try {
            var request = HttpRequest.newBuilder(URI.create(d.url()))
                    .timeout(properties.webhookTimeout())
                    .header("Content-Type", "application/json")
                    .header("User-Agent", "PromptEngine-Alerts/1")
                    .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                    .header(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(d.secret(), timestamp, body))
                    .header(
                            WebhookSignature.DELIVERY_HEADER,
                            notice.transitionId().toString())
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status / 100 != 2) {
                error = "answered " + status;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        pool.jdbc()
                .sql("""
                        INSERT INTO webhook_delivery (transition_id, rule_id, tenant, attempt, attempted_at, status_code,
                            error, duration_ms)
                        VALUES (:transition, :rule, :tenant, :attempt, :now, :status, :error, :duration)
                        """)
                .param("transition", notice.transitionId())
                .param("rule", notice.ruleId())
                .param("tenant", notice.tenant())
                .param("attempt", attempt)
                .param("now", timestamp(now))
                .param("status", status)
                .param("error", error == null ? null : error.substring(0, Math.min(error.length(), 500)))
                .param("duration", durationMs)
                .update();
        if (error == null) {
            delivered(notice.transitionId(), "webhook");
            return true;
        }
        boolean giveUp = attempt >= properties.webhookAttempts();
        pool.jdbc()
                .sql("""
                        UPDATE alert_notification SET attempts = :attempt, status = :status, next_attempt_at = :next
                        WHERE transition_id = :transition AND channel = 'webhook'
                        """)
                .param("attempt", attempt)
                .param("status", giveUp ? "failed" : "pending")
                .param("next", timestamp(now.plus(properties.backoffAfter(attempt))))
                .param("transition", notice.transitionId())
                .update();
        log.warn(
                "Webhook of alert rule {} failed (attempt {}{}): {}",
                notice.ruleId(),
                attempt,
                giveUp ? ", given up" : "",
                error);
        return false;
    }

    private void delivered(UUID transition, String channel) {
        pool.jdbc()
                .sql("""
                        UPDATE alert_notification SET status = 'delivered', delivered_at = :now, attempts = attempts + 1
                        WHERE transition_id = :transition AND channel = :channel
                        """)
                .param("now", timestamp(clock.instant()))
                .param("transition", transition)
                .param("channel", channel)
                .update();
    }

    private List<Due> due(String channel) {
        return pool.jdbc()
                .sql(DUE)
                .param("channel", channel)
                .param("now", timestamp(clock.instant()))
                .query((rs, n) -> new Due(
                        notice(rs),
                        rs.getInt("attempts"),
                        rs.getString("webhook_url"),
                        rs.getString("webhook_secret"),
                        rs.getString("webhook_format")))
                .list();
    }

    private static Notice notice(ResultSet rs) throws SQLException {
        var scope = new LinkedHashMap<String, String>();
        put(scope, "prompt", rs.getString("prompt"));
        Object version = rs.getObject("prompt_version");
        put(scope, "version", version == null ? null : version.toString());
        put(scope, "environment", rs.getString("environment"));
        put(scope, "provider", rs.getString("provider"));
        put(scope, "model", rs.getString("model"));
        put(scope, "user", rs.getString("user_identifier"));
        return new Notice(
                rs.getObject("transition_id", UUID.class),
                rs.getObject("rule_id", UUID.class),
                rs.getString("tenant"),
                rs.getString("name"),
                rs.getLong("sequence"),
                rs.getString("metric"),
                rs.getString("condition"),
                rs.getString("operator"),
                scope,
                rs.getString("previous_state"),
                rs.getString("state"),
                rs.getBigDecimal("value"),
                rs.getBigDecimal("threshold"),
                instant(rs, "window_start"),
                instant(rs, "window_end"),
                instant(rs, "occurred_at"),
                rs.getBoolean("silenced"),
                rs.getBigDecimal("level"),
                rs.getBigDecimal("forecast"));
    }

    private static void put(LinkedHashMap<String, String> scope, String name, String value) {
        if (value != null) {
            scope.put(name, value);
        }
    }
}
