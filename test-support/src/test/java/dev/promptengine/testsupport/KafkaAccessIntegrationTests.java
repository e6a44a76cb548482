package dev.promptengine.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptengine.access.kafka.KafkaSecurity;
import dev.promptengine.access.kafka.KafkaUser;
import dev.promptengine.access.kafka.PipelineAcls;
import dev.promptengine.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The broker every test uses has the product's access rules: SASL/SCRAM only, and each principal
 * confined to its own topics, groups and transactional ids (the {@code access} module's ACLs).
 */
class KafkaAccessIntegrationTests {

    @BeforeAll
    static void pipelineTopics() {
        TestKafka.createTopics(1, PipelineAcls.pipelineTopics());
    }

    @Test
    void aClientWithoutCredentialsIsRefused() {
        var config = Map.<String, Object>of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS))
                    .hasMessageContaining("Timed out");
        }
        var producer = producerConfig(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()));
        try (var plain = new KafkaProducer<>(producer, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> plain.send(new ProducerRecord<>(Topics.USAGE.name(), "k", "v"))
                            .get(10, TimeUnit.SECONDS))
                    .isNotNull();
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        var config = new HashMap<String, Object>(
                KafkaSecurity.clientProperties(KafkaUser.INGEST.username(), TestKafka.password(KafkaUser.COST)));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 40_000);
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.listTopics().names().get(15, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void ingestWritesUsagesAndExecutionsOnly() throws Exception {
        try (var producer = producer(KafkaUser.INGEST)) {
            producer.send(new ProducerRecord<>(Topics.USAGE.name(), "k", "v")).get(30, TimeUnit.SECONDS);
            producer.send(new ProducerRecord<>(Topics.EXECUTION.name(), "k", "v"))
                    .get(30, TimeUnit.SECONDS);
        }
        // a forged costed execution or price
        for (String topic : List.of(Topics.EXECUTION_COSTED.name(), Topics.PRICING.name())) {
            try (var producer = producer(KafkaUser.INGEST)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "v"))
                                .get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
        assertThat(readError(KafkaUser.INGEST, Topics.USAGE.name(), "ingest-service-probe"))
                .isInstanceOfAny(TopicAuthorizationException.class, GroupAuthorizationException.class);
    }

    @Test
    void costReadsExecutionsInItsOwnGroupOnly() throws Exception {
        assertThat(readError(KafkaUser.COST, Topics.EXECUTION.name(), "cost-service-probe"))
                .isNull();
        assertThat(readError(KafkaUser.COST, Topics.EXECUTION.name(), "analytics-service"))
                .isInstanceOf(GroupAuthorizationException.class);
        assertThat(readError(KafkaUser.COST, Topics.USAGE.name(), "cost-service-probe"))
                .isInstanceOf(TopicAuthorizationException.class);
        try (var producer = producer(KafkaUser.COST)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.USAGE.name(), "k", "v"))
                            .get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void analyticsCannotForgePricesAndTheDirectProducerCannotRead() {
        try (var producer = producer(KafkaUser.ANALYTICS)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.PRICING.name(), "k", "v"))
                            .get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        assertThat(readError(KafkaUser.DIRECT_PRODUCER, Topics.EXECUTION_COSTED.name(), "direct-producer-x"))
                .isInstanceOfAny(TopicAuthorizationException.class, GroupAuthorizationException.class);
    }

    @Test
    void onlyAnalyticsPublishesAlerts() throws Exception {
        try (var producer = producer(KafkaUser.ANALYTICS)) {
            producer.send(new ProducerRecord<>(Topics.ALERT.name(), "k", "v")).get(30, TimeUnit.SECONDS);
        }
        try (var producer = producer(KafkaUser.INGEST)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.ALERT.name(), "k", "v"))
                            .get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void noServiceCreatesATopicOutsideThePipeline() {
        for (var user : KafkaUser.values()) {
            var config = TestKafka.clientConfig(user, Map.of(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
            try (Admin admin = Admin.create(config)) {
                var create = admin.createTopics(List.of(new NewTopic(TestKafka.uniqueTopic("forged"), 1, (short) 1)));
                assertThatThrownBy(() -> create.all().get(30, TimeUnit.SECONDS))
                        .as(user.username())
                        .isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
        }
    }

    private static KafkaProducer<String, String> producer(KafkaUser user) {
        return new KafkaProducer<>(
                producerConfig(TestKafka.clientConfig(user, Map.of())), new StringSerializer(), new StringSerializer());
    }

    private static Map<String, Object> producerConfig(Map<String, Object> base) {
        var config = new HashMap<>(base);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        return config;
    }

    /**
     * Subscribes, polls and commits offset 0 of every assigned partition (an offset commit needs
     * READ on the group and on the topic, so it decides deterministically); answers the error, or
     * null if the read was allowed.
     */
    private static Exception readError(KafkaUser user, String topic, String group) {
        var config = TestKafka.clientConfig(
                user,
                Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        group,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false));
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200));
            }
            if (consumer.assignment().isEmpty()) {
                return new IllegalStateException("no assignment");
            }
            var offsets = new HashMap<org.apache.kafka.common.TopicPartition, OffsetAndMetadata>();
            consumer.assignment().forEach(partition -> offsets.put(partition, new OffsetAndMetadata(0)));
            consumer.commitSync(offsets, Duration.ofSeconds(10));
            return null;
        } catch (TopicAuthorizationException | GroupAuthorizationException e) {
            return e;
        }
    }
}
