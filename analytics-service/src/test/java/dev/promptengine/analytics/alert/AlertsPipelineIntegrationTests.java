package dev.promptengine.analytics.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.analytics.MutableClock;
import dev.promptengine.events.Alert;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.schemas.AvroDeserializer;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.testsupport.TestInfrastructure;
import dev.promptengine.testsupport.TestKafka;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alerts through the real pipeline pieces: costed executions on a real Kafka topic, the analytics
 * consumer writing facts and rollups into real PostgreSQL, the scheduled evaluator (every second
 * here), the outbox relay to a real alert topic and to a local webhook receiver.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(AlertsPipelineIntegrationTests.Clocks.class)
class AlertsPipelineIntegrationTests {

    static final String USAGE_TOPIC = TestKafka.uniqueTopic("usage");
    static final String COSTED_TOPIC = TestKafka.uniqueTopic("costed");
    static final String ALERT_TOPIC = TestKafka.uniqueTopic("alert");
    static final String ANALYST = "analyst-" + UUID.randomUUID();
    static final String SECRET = "s3cret-of-the-receiver-" + UUID.randomUUID();
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final MutableClock CLOCK = new MutableClock();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final WebhookReceiver RECEIVER = new WebhookReceiver();
    static final List<Alert> ALERTS = new CopyOnWriteArrayList<>();
    static volatile boolean consuming = true;
    static Thread alertReader;

    @TestConfiguration(proxyBeanMethods = false)
    static class Clocks {
        @Bean
        @Primary
        Clock testClock() {
            return CLOCK;
        }
    }

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        TestInfrastructure.kafkaAndPostgres(
                registry, "analytics_alerts", dev.promptengine.access.postgres.DatabaseRole.ANALYTICS);
        TestKafka.createTopics(3, USAGE_TOPIC, COSTED_TOPIC, USAGE_TOPIC + ".dlt", COSTED_TOPIC + ".dlt", ALERT_TOPIC);
        registry.add("promptengine.analytics.topics.usage", () -> USAGE_TOPIC);
        registry.add("promptengine.analytics.topics.execution-costed", () -> COSTED_TOPIC);
        registry.add("spring.kafka.consumer.group-id", () -> "analytics-" + UUID.randomUUID());
        registry.add("promptengine.alerts.topic", () -> ALERT_TOPIC);
        registry.add("promptengine.alerts.evaluation-interval", () -> INTERVAL.toMillis() + "ms");
        registry.add("promptengine.alerts.notify-interval", () -> "200ms");
        registry.add("promptengine.alerts.webhook-backoff", () -> "300ms");
        TestInfrastructure.apiKeys(registry, new String[][] {{"acme-analyst", "acme", "ANALYST", ANALYST}});
    }

    @BeforeAll
    static void readAlertTopic() {
        alertReader = new Thread(
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
                        consumer.subscribe(List.of(ALERT_TOPIC));
                        while (consuming) {
                            for (var record : consumer.poll(Duration.ofMillis(200))) {
                                var alert = decoder.deserialize(ALERT_TOPIC, record.value());
                                assertThat(record.key())
                                        .isEqualTo(alert.getRuleId().toString());
                                ALERTS.add(alert);
                            }
                        }
                    }
                },
                "alert-topic-reader");
        alertReader.setDaemon(true);
        alertReader.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        consuming = false;
        alertReader.join(5_000);
        RECEIVER.close();
    }

    @LocalServerPort
    int port;

    JdbcClient jdbc;

    @Autowired
    void writePool(dev.promptengine.analytics.WritePool pool) {
        this.jdbc = pool.jdbc();
    }

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void costSpikeFiresOnceWithSignedWebhookAndAlertEventThenResolves() throws Exception {
        // Given a cost rule over 5 minutes of one prompt, with a webhook that fails its first call
        String prompt = "checkout-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/hooks/" + prompt;
        RECEIVER.failNext(1);
        UUID rule = createRule("""
                {"name": "checkout cost spike", "metric": "cost", "scope": {"prompt": "%s"}, "window": "5m",
                 "condition": "threshold", "operator": ">", "threshold": "1.00", "min_volume": 2,
                 "webhook_url": "%s", "webhook_secret": "%s"}
                """.formatted(prompt, RECEIVER.url(path), SECRET));

        // When three executions costing 0.5 each arrive through Kafka
        Instant at = CLOCK.instant().minusSeconds(30).truncatedTo(ChronoUnit.MILLIS);
        publish(List.of(execution(prompt, at, "0.5"), execution(prompt, at, "0.5"), execution(prompt, at, "0.5")));
        Instant visible = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> costInRollups(prompt).compareTo(new BigDecimal("1.5")) == 0 ? CLOCK.instant() : null,
                        v -> v != null);

        // Then the rule fires within one evaluation interval of the events becoming visible
        var firing = await().atMost(Duration.ofSeconds(20))
                .until(() -> alertsOf(rule), a -> !a.isEmpty())
                .get(0);
        assertThat(firing.getState()).isEqualTo("firing");
        assertThat(firing.getPreviousState()).isEqualTo("ok");
        assertThat(firing.getSequence()).isEqualTo(1);
        assertThat(firing.getValue()).isEqualByComparingTo("1.5");
        assertThat(firing.getThreshold()).isEqualByComparingTo("1.00");
        assertThat(firing.getScope()).containsEntry("prompt", prompt);
        assertThat(firing.getMetric()).isEqualTo("cost");
        assertThat(Duration.between(visible, firing.getOccurredAt()))
                // the next cycle starts at most one interval after the one running when the events became
                // visible has ended; such a cycle takes well under a second here (its time is in the log)
                .as("fired within one evaluation interval (plus a cycle's own time) of the events becoming visible")
                .isLessThanOrEqualTo(INTERVAL.plusSeconds(1));

        // and the webhook receiver accepted it once (after one refused attempt), with a valid signature
        await().atMost(Duration.ofSeconds(20))
                .until(() -> RECEIVER.accepted(path).size() == 1);
        var calls = RECEIVER.calls(path);
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).answered()).isEqualTo(500);
        var accepted = RECEIVER.accepted(path).get(0);
        assertThat(accepted.delivery()).isEqualTo(firing.getTransitionId().toString());
        assertThat(calls.get(0).delivery()).isEqualTo(accepted.delivery());
        assertThat(accepted.signature())
                .isEqualTo(WebhookSignature.sign(SECRET, Long.parseLong(accepted.timestamp()), accepted.body()));
        assertThat(accepted.signature())
                .isNotEqualTo(WebhookSignature.sign(
                        "another-secret-entirely", Long.parseLong(accepted.timestamp()), accepted.body()));
        JsonNode body = JSON.readTree(accepted.body());
        assertThat(body.get("state").asString()).isEqualTo("firing");
        assertThat(body.get("value").asString()).isEqualTo("1.5");
        assertThat(body.get("operator").asString()).isEqualTo(">");
        assertThat(body.get("rule_id").asString()).isEqualTo(rule.toString());
        // the accepted attempt is logged in the transaction after the receiver's answer
        var deliveries = await().atMost(Duration.ofSeconds(10))
                .until(() -> get("/v1/alerts/rules/" + rule + "/deliveries").get("deliveries"), d -> d.size() >= 2);
        assertThat(deliveries).hasSize(2);
        assertThat(deliveries.get(0).get("status_code").asInt()).isEqualTo(204);
        assertThat(deliveries.get(1).get("status_code").asInt()).isEqualTo(500);
        assertThat(get("/v1/alerts/firing").get("count").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(get("/v1/alerts/rules/" + rule).get("state").get("state").asString())
                .isEqualTo("firing");

        // When the spike ends (the window slides past it)
        CLOCK.advance(Duration.ofMinutes(6));

        // Then it resolves, notified once more on both channels
        var resolved = await().atMost(Duration.ofSeconds(20))
                .until(() -> alertsOf(rule), a -> a.size() >= 2)
                .get(1);
        assertThat(resolved.getState()).isEqualTo("resolved");
        assertThat(resolved.getPreviousState()).isEqualTo("firing");
        assertThat(resolved.getSequence()).isEqualTo(2);
        assertThat(resolved.getValue()).isEqualByComparingTo("0");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> RECEIVER.accepted(path).size() == 2);

        // and several more cycles notify nothing again
        long cycles = evaluatedCount(rule);
        await().atMost(Duration.ofSeconds(20)).until(() -> evaluatedCount(rule) >= cycles + 3);
        Thread.sleep(500); // the relay's interval: anything recorded would have been sent by now
        assertThat(alertsOf(rule)).hasSize(2);
        assertThat(RECEIVER.accepted(path)).hasSize(2);
        var history = get("/v1/alerts/rules/" + rule + "/history").get("transitions");
        assertThat(history).hasSize(2);
        assertThat(history.get(0).get("state").asString()).isEqualTo("resolved");
        assertThat(history.get(1).get("state").asString()).isEqualTo("firing");
    }

    @Test
    void lateEventInsideTheWindowIsCountedAndASilencedRuleCallsNoWebhook() throws Exception {
        // Given an executions rule over 30 minutes, silenced for an hour
        String prompt = "late-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/hooks/" + prompt;
        UUID rule = createRule("""
                {"name": "late traffic", "metric": "executions", "scope": {"prompt": "%s"}, "window": "30m",
                 "condition": "threshold", "operator": ">", "threshold": 2,
                 "webhook_url": "%s", "webhook_secret": "%s", "webhook_format": "slack"}
                """.formatted(prompt, RECEIVER.url(path), SECRET));
        var silence = post(
                "/v1/alerts/rules/" + rule + "/silence",
                "{\"until\": \"" + CLOCK.instant().plus(Duration.ofHours(1)) + "\"}");
        assertThat(silence.statusCode()).isEqualTo(200);
        Instant now = CLOCK.instant().truncatedTo(ChronoUnit.MILLIS);
        publish(List.of(
                execution(prompt, now.minusSeconds(60), "0.01"), execution(prompt, now.minusSeconds(60), "0.01")));
        await().atMost(Duration.ofSeconds(30)).until(() -> executionsInRollups(prompt) == 2);
        long evaluated = evaluatedCount(rule);
        await().atMost(Duration.ofSeconds(20)).until(() -> evaluatedCount(rule) >= evaluated + 2);
        assertThat(alertsOf(rule)).isEmpty();

        // When a late event with an event time 25 minutes back arrives
        publish(List.of(execution(prompt, now.minus(Duration.ofMinutes(25)), "0.01")));

        // Then the window that covers it fires, published as silenced, and no webhook is called
        var firing = await().atMost(Duration.ofSeconds(30))
                .until(() -> alertsOf(rule), a -> !a.isEmpty())
                .get(0);
        assertThat(firing.getState()).isEqualTo("firing");
        assertThat(firing.getValue()).isEqualByComparingTo("3");
        assertThat(firing.getSilenced()).isTrue();
        Thread.sleep(1_000);
        assertThat(RECEIVER.calls(path)).isEmpty();
    }

    @Test
    void aMonthlyBudgetFiresAtEightyAndAtOneHundredPercentWithTheForecastOfTheMonthsEnd() throws Exception {
        // Given a monthly budget of 10 USD for one prompt, notified at 50, 80 and 100 %
        String prompt = "budget-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/hooks/" + prompt;
        UUID rule = createRule("""
                {"name": "monthly budget", "metric": "cost", "scope": {"prompt": "%s"}, "condition": "budget",
                 "budget_period": "month", "threshold": "10.00", "notify_at": [50, 80, 100],
                 "webhook_url": "%s", "webhook_secret": "%s", "webhook_format": "slack"}
                """.formatted(prompt, RECEIVER.url(path), SECRET));

        // When 8.25 USD is spent (82.5 %: past 50 and 80 at once)
        Instant at = CLOCK.instant().minusSeconds(10).truncatedTo(ChronoUnit.MILLIS);
        publish(List.of(execution(prompt, at, "8.25")));

        // Then it fires once at the 80 % level, with the spend extrapolated to the month's end
        var eighty = await().atMost(Duration.ofSeconds(30))
                .until(() -> alertsOf(rule), a -> !a.isEmpty())
                .get(0);
        assertThat(eighty.getState()).isEqualTo("firing");
        assertThat(eighty.getCondition()).isEqualTo("budget");
        assertThat(eighty.getLevel()).isEqualByComparingTo("80");
        assertThat(eighty.getValue()).isEqualByComparingTo("8.25");
        assertThat(eighty.getThreshold()).isEqualByComparingTo("10");
        assertThat(eighty.getForecast()).isEqualByComparingTo(monthEndForecast("8.25", eighty.getOccurredAt()));
        assertThat(eighty.getForecast()).isGreaterThan(new BigDecimal("8.25"));
        var monthStart = eighty.getOccurredAt()
                .atZone(java.time.ZoneOffset.UTC)
                .toLocalDate()
                .withDayOfMonth(1);
        assertThat(eighty.getWindowStart())
                .isEqualTo(monthStart.atStartOfDay(java.time.ZoneOffset.UTC).toInstant());

        // When the spend reaches 10.50 USD (105 %)
        publish(List.of(execution(prompt, at, "2.25")));

        // Then it fires again at the 100 % level, and not a third time
        var hundred = await().atMost(Duration.ofSeconds(30))
                .until(() -> alertsOf(rule), a -> a.size() >= 2)
                .get(1);
        assertThat(hundred.getPreviousState()).isEqualTo("firing");
        assertThat(hundred.getState()).isEqualTo("firing");
        assertThat(hundred.getLevel()).isEqualByComparingTo("100");
        assertThat(hundred.getValue()).isEqualByComparingTo("10.5");
        assertThat(hundred.getForecast()).isEqualByComparingTo(monthEndForecast("10.5", hundred.getOccurredAt()));
        long cycles = evaluatedCount(rule);
        await().atMost(Duration.ofSeconds(20)).until(() -> evaluatedCount(rule) >= cycles + 2);
        Thread.sleep(500);
        assertThat(alertsOf(rule)).hasSize(2);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> RECEIVER.accepted(path).size() == 2);
        assertThat(JSON.readTree(RECEIVER.accepted(path).get(1).body())
                        .get("text")
                        .asString())
                .contains("spent 10.5 of 10 USD", "100 % level", "forecast");
        var state = get("/v1/alerts/rules/" + rule).get("state");
        assertThat(state.get("level").asString()).isEqualTo("100");
        assertThat(new BigDecimal(state.get("forecast").asString())).isGreaterThan(new BigDecimal("10.5"));
    }

    /** spend × (length of the month) ÷ (time from the month's start to the evaluation), 6 decimals. */
    private static BigDecimal monthEndForecast(String spend, Instant evaluatedAt) {
        var day = evaluatedAt.atZone(java.time.ZoneOffset.UTC).toLocalDate();
        var start = day.withDayOfMonth(1).atStartOfDay(java.time.ZoneOffset.UTC);
        long monthSeconds = (long) day.lengthOfMonth() * 24 * 3600;
        long elapsed = evaluatedAt.getEpochSecond() - start.toEpochSecond();
        return new BigDecimal(spend)
                .multiply(BigDecimal.valueOf(monthSeconds))
                .divide(BigDecimal.valueOf(elapsed), 6, java.math.RoundingMode.HALF_EVEN);
    }

    @Autowired
    AlertEvaluator evaluator;

    @Autowired
    dev.promptengine.analytics.WritePool pool;

    @Test
    void whileAnotherInstanceHoldsTheEvaluationLockNothingIsEvaluatedAndItsDeathHandsOverWithOneTransition()
            throws Exception {
        // Given another instance in the middle of a cycle (its transaction holds the evaluation lock)
        String prompt = "handover-" + UUID.randomUUID().toString().substring(0, 8);
        var otherInstance = pool.dataSource().getConnection();
        otherInstance.setAutoCommit(false);
        try (var lock = otherInstance.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            lock.setLong(1, AlertStore.EVALUATION_LOCK);
            lock.execute();
        }
        UUID rule = createRule("""
                {"name": "any traffic", "metric": "executions", "scope": {"prompt": "%s"}, "window": "5m",
                 "condition": "threshold", "operator": ">", "threshold": 0}
                """.formatted(prompt));
        publish(List.of(execution(prompt, CLOCK.instant().minusSeconds(10).truncatedTo(ChronoUnit.MILLIS), "0.01")));
        await().atMost(Duration.ofSeconds(30)).until(() -> executionsInRollups(prompt) == 1);

        // Then this instance evaluates nothing: its cycles find the lock taken
        assertThat(evaluator.evaluate().evaluated()).isEqualTo(-1);
        Thread.sleep(3 * INTERVAL.toMillis());
        assertThat(evaluatedCount(rule)).isZero();
        assertThat(alertsOf(rule)).isEmpty();

        // When the other instance dies (its session ends, and the lock with it)
        otherInstance.close();

        // Then this instance takes over: the rule fires, once, even with cycles racing each other
        var racing = new Thread(() -> evaluator.evaluate());
        racing.start();
        evaluator.evaluate();
        racing.join();
        await().atMost(Duration.ofSeconds(20)).until(() -> alertsOf(rule), a -> !a.isEmpty());
        long cycles = evaluatedCount(rule);
        await().atMost(Duration.ofSeconds(20)).until(() -> evaluatedCount(rule) >= cycles + 2);
        Thread.sleep(500);
        assertThat(alertsOf(rule)).hasSize(1);
        assertThat(alertsOf(rule).get(0).getState()).isEqualTo("firing");
        assertThat(jdbc.sql("SELECT count(*) FROM alert_transition WHERE rule_id = :rule")
                        .param("rule", rule)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Autowired
    RuleCheck check;

    @Autowired
    AlertRuleRepository repository;

    /**
     * Six weeks of hourly cost with a weekly pattern (busy weekday office hours, quiet nights, weekends
     * at a third, a growth of 2 % a week) and noise (8 % standard deviation), then three times the usual
     * cost from two hours ago on.
     */
    @Test
    void anInjectedAnomalyFiresWhileTheOrdinaryWeeklyPatternDoesNot() throws Exception {
        // Given six weeks of seasonal traffic of one prompt, and three times the usual cost since two hours ago
        String prompt = "seasonal-" + UUID.randomUUID().toString().substring(0, 8);
        Instant hour = CLOCK.instant().truncatedTo(ChronoUnit.HOURS);
        Instant first = hour.minus(Duration.ofDays(42));
        Instant anomalyFrom = hour.minus(Duration.ofHours(2));
        var random = new java.util.Random(14);
        var events = new ArrayList<CostedLlmExecution>();
        BigDecimal expected = BigDecimal.ZERO;
        // the current hour and the next are anomalous too, so the test holds if the clock passes an hour
        for (Instant h = first; h.isBefore(hour.plus(Duration.ofHours(2))); h = h.plus(Duration.ofHours(1))) {
            BigDecimal noise = BigDecimal.valueOf(1 + 0.08 * random.nextGaussian()); // a factor, not money
            BigDecimal cost = usualCost(h, first)
                    .multiply(noise)
                    .multiply(h.isBefore(anomalyFrom) ? BigDecimal.ONE : BigDecimal.valueOf(3));
            var half = cost.max(new BigDecimal("0.01"))
                    .divide(BigDecimal.valueOf(2))
                    .setScale(6, java.math.RoundingMode.HALF_EVEN);
            events.add(execution(prompt, h.plusSeconds(60), half.toPlainString()));
            events.add(execution(prompt, h.plusSeconds(1800), half.toPlainString()));
            expected = expected.add(half).add(half);
        }
        publish(events);
        BigDecimal total = expected;
        await().atMost(Duration.ofSeconds(60)).until(() -> costInRollups(prompt).compareTo(total) == 0);

        // When anomaly rules watch it: k = 3 over 4 weeks, two hours in a row (and one hour, to count)
        String rule = """
                {"name": "%s", "metric": "cost", "scope": {"prompt": "%s"}, "condition": "anomaly",
                 "operator": ">", "threshold": 3, "baseline_weeks": 4, "consecutive": %d, "min_volume": 2}
                """;
        UUID twoHours = createRule(rule.formatted("unusual spend", prompt, 2));
        UUID oneHour = createRule(rule.formatted("unusual spend, one hour", prompt, 1));

        // Then the injected anomaly fires, compared with the edge of its band
        var firing = await().atMost(Duration.ofSeconds(30))
                .until(() -> alertsOf(twoHours), a -> !a.isEmpty())
                .get(0);
        assertThat(firing.getState()).isEqualTo("firing");
        assertThat(firing.getCondition()).isEqualTo("anomaly");
        assertThat(firing.getThreshold()).isPositive();
        assertThat(firing.getValue()).isGreaterThan(firing.getThreshold());
        assertThat(Duration.between(firing.getWindowStart(), firing.getWindowEnd()))
                .isEqualTo(Duration.ofHours(2));
        assertThat(get("/v1/alerts/rules/" + twoHours).get("baseline_weeks").asInt())
                .isEqualTo(4);

        // and over the two weeks before the anomaly, the ordinary weekly pattern does not fire
        var reads = check.cycle();
        var two = repository.findById(twoHours).orElseThrow();
        var one = repository.findById(oneHour).orElseThrow();
        int evaluations = 0;
        int falseTwo = 0;
        int falseOne = 0;
        for (Instant end = anomalyFrom.minus(Duration.ofDays(14)).plus(Duration.ofHours(1));
                !end.isAfter(anomalyFrom);
                end = end.plus(Duration.ofHours(1))) {
            evaluations++;
            var result = check.evaluate(two, end, reads);
            assertThat(result.comparedWith()).as("a band at " + end).isNotNull();
            falseTwo += result.breach() ? 1 : 0;
            falseOne += check.evaluate(one, end, reads).breach() ? 1 : 0;
        }
        System.out.printf(
                "anomaly false positives over %d hourly evaluations: %d with 2 hours in a row (%.2f %%),"
                        + " %d with 1 hour (%.2f %%), %d queries%n",
                evaluations,
                falseTwo,
                100.0 * falseTwo / evaluations,
                falseOne,
                100.0 * falseOne / evaluations,
                reads.queries());
        assertThat(evaluations).isEqualTo(14 * 24);
        assertThat(falseTwo).as("false positives, two hours in a row").isZero();
        assertThat(falseOne).as("false positives, one hour").isLessThanOrEqualTo(evaluations / 100);
    }

    /**
     * The hour's usual cost in USD: a weekday curve peaking at 5 USD in the afternoon, a third of it at
     * weekends, growing 2 % a week. The curve's shape is a dimensionless factor of {@code PEAK_HOURLY_COST}.
     */
    private static BigDecimal usualCost(Instant hour, Instant first) {
        var t = hour.atZone(java.time.ZoneOffset.UTC);
        double daily =
                t.getHour() >= 8 && t.getHour() < 19 ? 0.1 + 0.9 * Math.sin(Math.PI * (t.getHour() - 7) / 12.0) : 0.1;
        double week = t.getDayOfWeek().getValue() >= 6 ? daily / 3 : daily;
        double shape = week * (1 + 0.02 * Duration.between(first, hour).toDays() / 7.0);
        return PEAK_HOURLY_COST.multiply(BigDecimal.valueOf(shape));
    }

    private static final BigDecimal PEAK_HOURLY_COST = new BigDecimal("5");

    private List<Alert> alertsOf(UUID rule) {
        return ALERTS.stream().filter(a -> a.getRuleId().equals(rule)).toList();
    }

    private long evaluatedCount(UUID rule) {
        // last_evaluated_at moves on each cycle that evaluates the rule: count cycles by polling it
        return jdbc.sql("SELECT extract(epoch FROM last_evaluated_at)::bigint FROM alert_state WHERE rule_id = :rule")
                .param("rule", rule)
                .query(Long.class)
                .optional()
                .orElse(0L);
    }

    private BigDecimal costInRollups(String prompt) {
        return jdbc.sql("SELECT coalesce(sum(total_cost), 0) FROM execution_rollup_hourly WHERE prompt_slug = :p")
                .param("p", prompt)
                .query(BigDecimal.class)
                .single();
    }

    private long executionsInRollups(String prompt) {
        return jdbc.sql("SELECT coalesce(sum(execution_count), 0) FROM execution_rollup_hourly WHERE prompt_slug = :p")
                .param("p", prompt)
                .query(Long.class)
                .single();
    }

    private UUID createRule(String body) throws Exception {
        var response = post("/v1/alerts/rules", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return UUID.fromString(JSON.readTree(response.body()).get("id").asString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + ANALYST)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("Authorization", "Bearer " + ANALYST)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static CostedLlmExecution execution(String prompt, Instant at, String cost) {
        var execution = LlmExecution.newBuilder()
                .setId(UUID.randomUUID())
                .setUsageId(UUID.randomUUID())
                .setTenant("acme")
                .setOccurredAt(at)
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
        var total = new BigDecimal(cost).setScale(18);
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

    private static void publish(List<CostedLlmExecution> executions) throws Exception {
        var serializer = new AvroSerializer<CostedLlmExecution>();
        try (var producer = new KafkaProducer<>(
                TestKafka.clientConfig(Map.of(ProducerConfig.ACKS_CONFIG, "all")),
                new StringSerializer(),
                new ByteArraySerializer())) {
            var sends = new ArrayList<java.util.concurrent.Future<?>>();
            for (var e : executions) {
                String key = e.getExecution().getUsageId().toString();
                sends.add(
                        producer.send(new ProducerRecord<>(COSTED_TOPIC, key, serializer.serialize(COSTED_TOPIC, e))));
            }
            for (var send : sends) {
                send.get();
            }
        }
    }
}
