package dev.promptengine.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.postgres.DatabaseRole;
import dev.promptengine.schemas.Topics;
import dev.promptengine.testsupport.KafkaCluster;
import dev.promptengine.testsupport.TestPostgres;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pipeline on a three-node Kafka cluster (replication factor 3, {@code min.insync.replicas=2})
 * under steady HTTP load loses the broker that leads most usage partitions to SIGKILL, gets it back,
 * and then one of two cost-service and one of two analytics-service instances leave their groups:
 * every event ingest answered 202 is counted exactly once, and ingest answers 202 again within
 * seconds of the leader election.
 */
class BrokerLossIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(BrokerLossIntegrationTests.class);

    private static final String PUBLISHER_KEY = "pe_pub_" + UUID.randomUUID();
    private static final String ANALYST_KEY = "pe_ana_" + UUID.randomUUID();
    private static final String TENANT = "cluster";
    private static final int EVENTS_PER_KIND = 5;
    /** Posting threads, and the usages each phase (before the kill, after it, after the restart) must see accepted. */
    private static final int LOAD_THREADS = 4;

    private static final int PHASE_USAGES = 100;
    private static final BigDecimal COST_PER_EXECUTION = new BigDecimal("0.000027");

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json = JsonMapper.builder().build();
    private final Instant occurredAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);

    /** What ingest answered, when: the load's record of the outage. */
    private record Answer(long nanos, int status) {}

    private final List<Answer> answers = new CopyOnWriteArrayList<>();
    private final Set<UUID> acceptedUsages = ConcurrentHashMap.newKeySet();
    private final Set<UUID> acceptedExecutions = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final List<Throwable> loadFailures = new CopyOnWriteArrayList<>();

    @Test
    void leaderBrokerKilledUnderLoadLosesNothingCountsNothingTwiceAndIngestRecoversWithinSeconds() throws Exception {
        try (var cluster = KafkaCluster.start(3);
                var services = new Services()) {
            // given the three services (analytics twice) on the cluster and steady load on ingest
            var cost = TestPostgres.newDatabase("cluster", DatabaseRole.COST);
            var analyticsDatabase = TestPostgres.newDatabase(cost, DatabaseRole.ANALYTICS);
            var ingest = services.start("ingest-service", cluster.springArguments(KafkaUser.INGEST));
            // cost-service's transactional ids carry its instance id: distinct per instance, as per pod
            services.start(
                    "cost-service", with(cluster.springArguments(KafkaUser.COST), database(cost), instance("cost-a")));
            var secondCost = services.start(
                    "cost-service", with(cluster.springArguments(KafkaUser.COST), database(cost), instance("cost-b")));
            var analytics = services.start(
                    "analytics-service",
                    with(cluster.springArguments(KafkaUser.ANALYTICS), database(analyticsDatabase)));
            var secondAnalytics = services.start(
                    "analytics-service",
                    with(cluster.springArguments(KafkaUser.ANALYTICS), database(analyticsDatabase)));
            services.awaitHealthy();
            var load = new ArrayList<Thread>();
            for (int i = 0; i < LOAD_THREADS; i++) {
                var thread = new Thread(() -> publishUntilStopped(ingest), "load-" + i);
                thread.setUncaughtExceptionHandler((t, e) -> loadFailures.add(e));
                thread.start();
                load.add(thread);
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> acceptedUsages.size() >= PHASE_USAGES);

            // when the broker leading most partitions of the usage topic is killed with SIGKILL
            String topic = Topics.USAGE.name();
            Map<Integer, Integer> leadersBefore = cluster.leaders(topic);
            int victim = mostFrequent(leadersBefore);
            long killedAt = System.nanoTime();
            cluster.kill(victim);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> cluster.leaders(topic).values().stream().allMatch(l -> l > 0 && l != victim));
            long electedAt = System.nanoTime();
            int acceptedAtElection = acceptedUsages.size();
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> System.nanoTime() - killedAt > TimeUnit.SECONDS.toNanos(15)
                            && acceptedUsages.size() >= acceptedAtElection + PHASE_USAGES);

            // and restarted under the same load, and then one instance of cost and analytics leaves its group
            long restartedAt = System.nanoTime();
            cluster.restart(victim);
            await().atMost(Duration.ofSeconds(180))
                    .untilAsserted(() -> assertThat(cluster.inSyncReplicas(topic))
                            .allSatisfy((partition, isr) -> assertThat(isr).hasSize(3)));
            int acceptedAtRestart = acceptedUsages.size();
            // graceful: each group hands the partitions of the leaving instance to the other one
            secondAnalytics.close();
            secondCost.close();
            await().atMost(Duration.ofSeconds(120))
                    .until(() -> acceptedUsages.size() >= acceptedAtRestart + PHASE_USAGES);
            loading.set(false);
            for (var thread : load) {
                thread.join(TimeUnit.SECONDS.toMillis(60));
            }
            assertThat(loadFailures).isEmpty();

            // then ingest refused only with 503 (never an answer that loses or hides an event), and
            // answered 202 again within seconds of the election
            var outage = answers.stream()
                    .filter(answer -> answer.nanos() >= killedAt && answer.status() != 202)
                    .toList();
            long firstAcceptedAfterElection = answers.stream()
                    .filter(answer -> answer.nanos() >= electedAt && answer.status() == 202)
                    .mapToLong(Answer::nanos)
                    .min()
                    .orElseThrow();
            Duration acceptedAfterElection = Duration.ofNanos(firstAcceptedAfterElection - electedAt);
            long lastFailureBeforeRestart = outage.stream()
                    .mapToLong(Answer::nanos)
                    .filter(nanos -> nanos < restartedAt)
                    .max()
                    .orElse(killedAt);
            Duration afterKill = Duration.ofNanos(lastFailureBeforeRestart - killedAt);
            log.info(
                    "Killed node {} (leader of {} of {} usage partitions): leaders moved after {} ms; first 202 {} ms"
                            + " after that; ingest answered {} non-202 ({}), the last before the restart {} ms after"
                            + " the kill; {} usages and {} executions accepted",
                    victim,
                    leadersBefore.values().stream().filter(l -> l == victim).count(),
                    leadersBefore.size(),
                    TimeUnit.NANOSECONDS.toMillis(electedAt - killedAt),
                    acceptedAfterElection.toMillis(),
                    outage.size(),
                    outage.stream().collect(Collectors.groupingBy(Answer::status, Collectors.counting())),
                    afterKill.toMillis(),
                    acceptedUsages.size(),
                    acceptedExecutions.size());
            assertThat(outage).allSatisfy(answer -> assertThat(answer.status()).isEqualTo(503));
            assertThat(acceptedAfterElection).isLessThan(Duration.ofSeconds(10));
            assertThat(afterKill).isLessThan(Duration.ofSeconds(30));

            // and analytics counts every accepted event exactly once, in its rollups and its raw facts
            await().atMost(Duration.ofSeconds(300))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> {
                        JsonNode stats = usageStats(analytics);
                        assertThat(stats.get("total_uses").asLong()).isEqualTo(acceptedUsages.size());
                        assertThat(stats.get("total_executions").asLong()).isEqualTo(acceptedExecutions.size());
                        // gpt-4o-mini, 100 input and 20 output tokens at 0.15 and 0.60 USD per 1M: each priced once
                        assertThat(new BigDecimal(stats.get("total_cost").asString()))
                                .isEqualByComparingTo(
                                        COST_PER_EXECUTION.multiply(BigDecimal.valueOf(acceptedExecutions.size())));
                    });
            assertThat(ids(analyticsDatabase, "usage_fact")).isEqualTo(acceptedUsages);
            assertThat(ids(analyticsDatabase, "execution_fact")).isEqualTo(acceptedExecutions);
        }
    }

    /** Posts batches of new events; a batch answered otherwise than 202 is resent, as a client retries. */
    private void publishUntilStopped(ServiceProcess ingest) {
        while (loading.get()) {
            var usages = new ArrayList<UUID>();
            var executions = new ArrayList<UUID>();
            for (int i = 0; i < EVENTS_PER_KIND; i++) {
                usages.add(UUID.randomUUID());
                executions.add(UUID.randomUUID());
            }
            String body = batch(usages, executions);
            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                int status = post(ingest, body);
                answers.add(new Answer(System.nanoTime(), status));
                if (status == 202) {
                    acceptedUsages.addAll(usages);
                    acceptedExecutions.addAll(executions);
                    break;
                }
                if (System.nanoTime() > giveUp) {
                    throw new IllegalStateException("ingest did not accept a batch within 60 s; last " + status);
                }
                sleepBeforeRetry();
            }
        }
    }

    private int post(ServiceProcess ingest, String body) {
        try {
            return http.send(
                            HttpRequest.newBuilder(ingest.uri("/v1/events"))
                                    .timeout(Duration.ofSeconds(15))
                                    .header("Authorization", "Bearer " + PUBLISHER_KEY)
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return 0; // no answer at all: counted as a failure of the outage
        }
    }

    private static void sleepBeforeRetry() {
        try {
            Thread.sleep(250); // a client's retry pause (shorter than Retry-After, to measure finely)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String batch(List<UUID> usages, List<UUID> executions) {
        var usageJson = new ArrayList<String>();
        var executionJson = new ArrayList<String>();
        for (int i = 0; i < usages.size(); i++) {
            usageJson.add("""
                    {"id": "%s", "occurred_at": "%s", "prompt_slug": "support-reply", "prompt_version": 3,
                     "environment": "production"}""".formatted(usages.get(i), occurredAt));
            executionJson.add("""
                    {"id": "%s", "usage_id": "%s", "occurred_at": "%s", "prompt_slug": "support-reply",
                     "prompt_version": 3, "environment": "production", "provider": "openai", "model": "gpt-4o-mini",
                     "input_tokens": 100, "output_tokens": 20, "execution_time_ms": 300, "status": "success"}""".formatted(executions.get(i), usages.get(i), occurredAt));
        }
        return "{\"usages\": [" + String.join(",", usageJson) + "], \"executions\": [" + String.join(",", executionJson)
                + "]}";
    }

    private static int mostFrequent(Map<Integer, Integer> leaders) {
        return leaders.values().stream()
                .collect(Collectors.groupingBy(leader -> leader, Collectors.counting()))
                .entrySet()
                .stream()
                .max(Map.Entry.comparingByValue())
                .orElseThrow()
                .getKey();
    }

    private JsonNode usageStats(ServiceProcess analytics) throws Exception {
        var response = http.send(
                HttpRequest.newBuilder(analytics.uri("/v1/analytics/usage-stats?from="
                                + occurredAt.minus(1, ChronoUnit.HOURS) + "&to=" + occurredAt.plusSeconds(3600)))
                        .header("Authorization", "Bearer " + ANALYST_KEY)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static Set<UUID> ids(TestPostgres.Database database, String table) throws Exception {
        var ids = new HashSet<UUID>();
        int rows = 0;
        try (var connection = DriverManager.getConnection(database.url(), database.username(), database.password());
                var statement = connection.createStatement();
                var result = statement.executeQuery("SELECT id FROM analytics." + table)) {
            while (result.next()) {
                ids.add(result.getObject(1, UUID.class));
                rows++;
            }
        }
        assertThat(rows).as("rows of %s, one per event id", table).isEqualTo(ids.size());
        return ids;
    }

    @SafeVarargs
    private static List<String> with(List<String>... parts) {
        return java.util.Arrays.stream(parts).flatMap(List::stream).toList();
    }

    private static List<String> instance(String id) {
        return List.of("--promptengine.instance-id=" + id);
    }

    private static List<String> database(TestPostgres.Database database) {
        return List.of(
                "--spring.datasource.url=" + database.url(),
                "--spring.datasource.username=" + database.username(),
                "--spring.datasource.password=" + database.password());
    }

    /** The services as child processes, with the test's API keys; closed in reverse order. */
    private static final class Services implements AutoCloseable {

        private final List<ServiceProcess> started = new ArrayList<>();

        ServiceProcess start(String module, List<String> arguments) throws Exception {
            var service = ServiceProcess.start(module, with(keys(), arguments));
            started.add(service);
            return service;
        }

        void awaitHealthy() throws Exception {
            for (var service : started) {
                // five service JVMs and three brokers on two shared cores start slowly
                service.awaitHealthy(Duration.ofSeconds(420));
            }
        }

        private static List<String> keys() throws Exception {
            return List.of(
                    "--promptengine.auth.keys[0].name=cluster-publisher",
                    "--promptengine.auth.keys[0].tenant=" + TENANT,
                    "--promptengine.auth.keys[0].role=PUBLISHER",
                    "--promptengine.auth.keys[0].sha256=" + sha256(PUBLISHER_KEY),
                    "--promptengine.auth.keys[1].name=cluster-analyst",
                    "--promptengine.auth.keys[1].tenant=" + TENANT,
                    "--promptengine.auth.keys[1].role=ANALYST",
                    "--promptengine.auth.keys[1].sha256=" + sha256(ANALYST_KEY));
        }

        @Override
        public void close() throws Exception {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
        }
    }

    private static String sha256(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes()));
    }
}
