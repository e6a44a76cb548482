package dev.promptengine.analytics.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.analytics.ServiceProcess;
import dev.promptengine.events.Alert;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.schemas.AvroDeserializer;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.testsupport.TestKafka;
import dev.promptengine.testsupport.TestPostgres;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Two analytics-service processes on the same database and topics evaluate the same rules: each
 * budget crossing is recorded, published and sent to its webhook exactly once, also when the
 * instance holding the evaluation lock is killed with SIGKILL in the middle of a cycle and the
 * other one takes over.
 */
class AlertsTakeoverIntegrationTests {

    static final int BUDGETS = 20;
    /** Rules that never breach but each read their own window, so a cycle lasts long enough to be killed in. */
    static final int FILLERS = 60;

    final String usageTopic = TestKafka.uniqueTopic("usage");
    final String costedTopic = TestKafka.uniqueTopic("costed");
    final String alertTopic = TestKafka.uniqueTopic("alert");
    final String group = "analytics-" + UUID.randomUUID();
    final String prefix = "takeover-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    final List<Alert> alerts = new CopyOnWriteArrayList<>();
    volatile boolean consuming = true;

    @Test
    void twoInstancesNotifyEachTransitionOnceAlsoWhenTheEvaluatingOneIsKilled() throws Exception {
        TestKafka.createTopics(3, usageTopic, costedTopic, usageTopic + ".dlt", costedTopic + ".dlt", alertTopic);
        var database = TestPostgres.newDatabase("analytics_takeover");
        var dataSource = database.dataSource();
        dataSource.setCurrentSchema("analytics");
        var jdbc = JdbcClient.create(dataSource);
        var reader = readAlerts();
        try (var receiver = new WebhookReceiver();
                var a = service("takeover-a", database).start();
                var b = service("takeover-b", database).start()) {
            // Given two instances and 20 monthly budgets of 1 USD (levels 50, 80, 100 %) with webhooks
            await().atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(() -> jdbc.sql("SELECT count(*) FROM alert_rule")
                                    .query(Long.class)
                                    .single()
                            >= 0);
            for (int i = 0; i < BUDGETS; i++) {
                insertBudget(jdbc, prefix + i, receiver.url("/hooks/" + i));
            }
            for (int i = 0; i < FILLERS; i++) {
                insertFiller(jdbc, i);
            }

            // When 0.60 USD is spent per prompt: every budget crosses 50 %
            publish(new BigDecimal("0.60"));
            awaitNotified(jdbc, receiver, BUDGETS);

            // and 0.25 more (85 %), and the instance holding the evaluation lock is killed in its cycle
            publish(new BigDecimal("0.25"));
            await().atMost(Duration.ofSeconds(30)).until(() -> spentEverywhere(jdbc, "0.85"));
            String killed = null;
            long transitionsAtKill = -1;
            while (killed == null) {
                String holder = lockHolder(jdbc);
                var process = holder.equals("takeover-a") ? a : b;
                // frozen with its cycle open, it sends nothing; killed only when no notification it might
                // have in flight is pending, so the kill tests the takeover, not a resend after a crash
                process.freeze();
                if (count(jdbc, "SELECT count(*) FROM alert_notification WHERE status = 'pending'") == 0) {
                    transitionsAtKill = count(jdbc, "SELECT count(*) FROM alert_transition");
                    process.kill();
                    killed = holder;
                } else {
                    process.thaw();
                    Thread.sleep(100);
                }
            }
            Instant afterKill = Instant.now();
            var survivor = killed.equals("takeover-a") ? b : a;
            assertThat(survivor.isAlive()).isTrue();
            awaitNotified(jdbc, receiver, 2 * BUDGETS);

            // and 0.20 more (105 %), with only the survivor left
            publish(new BigDecimal("0.20"));
            awaitNotified(jdbc, receiver, 3 * BUDGETS);

            // Then each budget has exactly three transitions, at 50, 80 and 100 %, the last by the survivor
            var transitions = jdbc.sql("""
                            SELECT t.id, t.sequence, t.level, t.occurred_at FROM alert_transition t
                            JOIN alert_rule r ON r.id = t.rule_id WHERE r.condition = 'budget'
                            ORDER BY r.prompt, t.sequence
                            """)
                    .query((rs, n) -> new Transition(
                            rs.getObject("id", UUID.class),
                            rs.getLong("sequence"),
                            rs.getBigDecimal("level"),
                            rs.getObject("occurred_at", OffsetDateTime.class).toInstant()))
                    .list();
            assertThat(transitions).hasSize(3 * BUDGETS);
            for (int i = 0; i < BUDGETS; i++) {
                var three = transitions.subList(3 * i, 3 * i + 3);
                assertThat(three).extracting(Transition::sequence).containsExactly(1L, 2L, 3L);
                assertThat(three)
                        .extracting(t -> t.level().stripTrailingZeros().toPlainString())
                        .containsExactly("50", "80", "100");
                assertThat(three.get(2).occurredAt()).isAfter(afterKill);
            }
            assertThat(jdbc.sql("SELECT count(*) FROM alert_transition t JOIN alert_rule r ON r.id = t.rule_id"
                                    + " WHERE r.condition <> 'budget'")
                            .query(Long.class)
                            .single())
                    .isZero();

            // and a few more cycles later still exactly one alert event and one accepted webhook call each
            Thread.sleep(3_000);
            var ids = transitions.stream().map(t -> t.id().toString()).collect(Collectors.toSet());
            var eventIds =
                    alerts.stream().map(e -> e.getTransitionId().toString()).toList();
            assertThat(eventIds).hasSize(3 * BUDGETS).doesNotHaveDuplicates();
            assertThat(new HashSet<>(eventIds)).isEqualTo(ids);
            var deliveries = new ArrayList<String>();
            for (int i = 0; i < BUDGETS; i++) {
                receiver.accepted("/hooks/" + i).forEach(c -> deliveries.add(c.delivery()));
            }
            assertThat(deliveries).hasSize(3 * BUDGETS).doesNotHaveDuplicates();
            assertThat(new HashSet<>(deliveries)).isEqualTo(ids);
            System.out.printf(
                    "takeover: killed %s holding the evaluation lock with %d transitions committed;"
                            + " %d transitions, %d events, %d webhook calls%n",
                    killed, transitionsAtKill, transitions.size(), eventIds.size(), deliveries.size());
        } finally {
            consuming = false;
            reader.join(5_000);
        }
    }

    private record Transition(UUID id, long sequence, BigDecimal level, Instant occurredAt) {}

    private static long count(JdbcClient jdbc, String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private ServiceProcess service(String name, TestPostgres.Database database) {
        String url = database.url() + (database.url().contains("?") ? "&" : "?") + "ApplicationName=" + name;
        var settings = new HashMap<String, String>();
        settings.put("spring.datasource.url", url);
        settings.put("promptengine.alerts.topic", alertTopic);
        settings.put("promptengine.alerts.evaluation-interval", "1s");
        settings.put("promptengine.alerts.notify-interval", "300ms");
        settings.put("promptengine.alerts.webhook-backoff", "300ms");
        return new ServiceProcess(name, database, usageTopic, costedTopic, group, settings);
    }

    /** The instance whose session holds the evaluation lock (its cycle's transaction), found by polling pg_locks. */
    private static String lockHolder(JdbcClient jdbc) {
        long key = AlertStore.EVALUATION_LOCK;
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(2))
                .until(
                        () -> jdbc.sql("""
                                        SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                                        WHERE l.locktype = 'advisory' AND l.granted
                                          AND l.classid::text::bigint = :high AND l.objid::text::bigint = :low
                                        """)
                                .param("high", key >>> 32)
                                .param("low", key & 0xffffffffL)
                                .query(String.class)
                                .optional(),
                        Optional::isPresent)
                .orElseThrow();
    }

    private void awaitNotified(JdbcClient jdbc, WebhookReceiver receiver, int transitions) {
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
            assertThat(jdbc.sql("SELECT count(*) FROM alert_transition")
                            .query(Long.class)
                            .single())
                    .isEqualTo(transitions);
            assertThat(alerts).hasSize(transitions);
            int accepted = 0;
            for (int i = 0; i < BUDGETS; i++) {
                accepted += receiver.accepted("/hooks/" + i).size();
            }
            assertThat(accepted).isEqualTo(transitions);
        });
    }

    private boolean spentEverywhere(JdbcClient jdbc, String amount) {
        var spent = jdbc.sql("""
                        SELECT prompt_slug, sum(total_cost) AS cost FROM execution_rollup_hourly
                        WHERE prompt_slug LIKE :prefix GROUP BY prompt_slug
                        """)
                .param("prefix", prefix + "%")
                .query((rs, n) -> rs.getBigDecimal("cost"))
                .list();
        return spent.size() == BUDGETS && spent.stream().allMatch(c -> c.compareTo(new BigDecimal(amount)) == 0);
    }

    private void insertBudget(JdbcClient jdbc, String prompt, String webhook) {
        insert(jdbc, prompt, prompt, "cost", 0, "budget", "1.00", "month", "50,80,100", webhook);
    }

    private void insertFiller(JdbcClient jdbc, int i) {
        // more than a billion executions in 5 + i minutes: never
        insert(jdbc, "filler " + i, null, "executions", (5 + i) * 60L, "threshold", "1000000000", null, null, null);
    }

    private static void insert(
            JdbcClient jdbc,
            String name,
            String prompt,
            String metric,
            long windowSeconds,
            String condition,
            String threshold,
            String period,
            String levels,
            String webhook) {
        var now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.sql("""
                        INSERT INTO alert_rule (id, tenant, name, metric, prompt, window_seconds, condition, operator,
                            threshold, budget_period, notify_at, webhook_url, webhook_secret, created_by, created_at,
                            updated_at)
                        VALUES (:id, 'acme', :name, :metric, :prompt, :window, :condition, 'above', :threshold, :period,
                            :levels, :webhook, :secret, 'takeover-test', :now, :now)
                        """)
                .param("id", UUID.randomUUID())
                .param("name", name)
                .param("metric", metric)
                .param("prompt", prompt)
                .param("window", windowSeconds)
                .param("condition", condition)
                .param("threshold", new BigDecimal(threshold))
                .param("period", period)
                .param("levels", levels)
                .param("webhook", webhook)
                .param("secret", webhook == null ? null : "the-receivers-shared-secret")
                .param("now", now)
                .update();
    }

    private void publish(BigDecimal cost) throws Exception {
        var serializer = new AvroSerializer<CostedLlmExecution>();
        try (var producer = new KafkaProducer<>(
                TestKafka.clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(),
                new ByteArraySerializer())) {
            var sends = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < BUDGETS; i++) {
                var e = execution(prefix + i, Instant.now().minusSeconds(5), cost);
                String key = e.getExecution().getUsageId().toString();
                sends.add(producer.send(new ProducerRecord<>(costedTopic, key, serializer.serialize(costedTopic, e))));
            }
            for (var send : sends) {
                send.get();
            }
        }
    }

    private static CostedLlmExecution execution(String prompt, Instant at, BigDecimal cost) {
        var execution = LlmExecution.newBuilder()
                .setId(UUID.randomUUID())
                .setUsageId(UUID.randomUUID())
                .setTenant("acme")
                .setOccurredAt(at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
                .setPromptSlug(prompt)
                .setPromptVersion(1)
                .setEnvironment("production")
                .setProvider("openai")
                .setModel("gpt-4o")
                .setInputTokens(100L)
                .setOutputTokens(20L)
                .setTotalTokens(120L)
                .setExecutionTimeMs(300L)
                .setStatus(ExecutionStatus.SUCCESS)
                .build();
        var total = cost.setScale(18);
        var price = ExecutionCost.newBuilder()
                .setPricingStatus(PricingStatus.PRICED)
                .setPriceId(UUID.nameUUIDFromBytes("gpt-4o".getBytes()))
                .setMatchedRule("exact")
                .setInputCost(total)
                .setOutputCost(BigDecimal.ZERO.setScale(18))
                .setCachedInputCost(BigDecimal.ZERO.setScale(18))
                .setTotalCost(total)
                .setPricedAt(at)
                .build();
        return new CostedLlmExecution(execution, price);
    }

    private Thread readAlerts() {
        var thread = new Thread(
                () -> {
                    var decoder = new AvroDeserializer<Alert>();
                    try (var consumer = new KafkaConsumer<String, byte[]>(
                            TestKafka.clientConfig(Map.of(
                                    ConsumerConfig.GROUP_ID_CONFIG,
                                    "alerts-" + UUID.randomUUID(),
                                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                    "earliest")),
                            new StringDeserializer(),
                            new ByteArrayDeserializer())) {
                        consumer.subscribe(List.of(alertTopic));
                        while (consuming) {
                            for (var record : consumer.poll(Duration.ofMillis(200))) {
                                alerts.add(decoder.deserialize(alertTopic, record.value()));
                            }
                        }
                    }
                },
                "takeover-alert-reader");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
