package dev.promptengine.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The three-node cluster replicates every topic, internal ones included, to three nodes with two in
 * sync, and survives the SIGKILL of a partition leader: a new leader takes over within seconds with
 * every acknowledged record, and the killed node rejoins the in-sync replicas after its restart.
 */
class KafkaClusterIntegrationTests {

    private static KafkaCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = KafkaCluster.start(3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void replicatesEveryTopicThreeTimesAndKeepsAcknowledgedRecordsWhenTheLeaderIsKilled() throws Exception {
        // given a topic created with the brokers' defaults and 50 records committed in a transaction
        String topic = "cluster-test";
        try (Admin admin = Admin.create(cluster.adminConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(3), Optional.empty())))
                    .all()
                    .get(30, TimeUnit.SECONDS);
            // a broker that has not yet heard of the new topic answers UnknownTopicOrPartition: ask again
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
                var config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .values()
                        .iterator()
                        .next();
                assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
            });
        }
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(cluster.inSyncReplicas(topic))
                        .allSatisfy((partition, isr) -> assertThat(isr).containsExactlyInAnyOrder(1, 2, 3)));
        var sent = new ArrayList<String>();
        try (var producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 50; i++) {
                sent.add("before-" + i);
                producer.send(new ProducerRecord<>(topic, i % 3, "k" + i, "before-" + i));
            }
            producer.commitTransaction();
        }
        assertThat(cluster.describe("__transaction_state").partitions())
                .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3));

        // when the leader of partition 0 is killed with SIGKILL
        int leader = cluster.leaders(topic).get(0);
        long killedAt = System.nanoTime();
        cluster.kill(leader);

        // then an acks=all send to partition 0 succeeds again within seconds, on another leader; each
        // attempt sends a record of its own, since one that timed out may still have been written
        var attempted = new ArrayList<String>(sent);
        Duration recovery;
        try (var producer = new KafkaProducer<>(
                producerConfig(Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3000)),
                new StringSerializer(),
                new StringSerializer())) {
            for (int attempt = 0; ; attempt++) {
                String value = "after-" + attempt;
                attempted.add(value);
                try {
                    producer.send(new ProducerRecord<>(topic, 0, "after", value))
                            .get(10, TimeUnit.SECONDS);
                    sent.add(value);
                    break;
                } catch (Exception e) {
                    assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(30));
                }
            }
            recovery = Duration.ofNanos(System.nanoTime() - killedAt);
        }
        assertThat(recovery).isLessThan(Duration.ofSeconds(15));
        assertThat(cluster.leaders(topic).get(0)).isNotEqualTo(leader).isPositive();

        // and a read_committed group reads every acknowledged record exactly once, and nothing unsent
        var read = new ArrayList<String>();
        try (var consumer = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!read.containsAll(sent) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(record -> read.add(record.value()));
            }
            consumer.commitSync();
        }
        assertThat(read).doesNotHaveDuplicates().containsAll(sent);
        assertThat(attempted).containsAll(read);
        assertThat(cluster.describe("__consumer_offsets").partitions())
                .allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3));

        // and after its restart the killed node is back in every partition's in-sync replicas
        cluster.restart(leader);
        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(cluster.inSyncReplicas(topic))
                        .allSatisfy((partition, isr) -> assertThat(isr).isEqualTo(Set.of(1, 2, 3))));
    }

    private static KafkaProducer<String, String> transactionalProducer() {
        return new KafkaProducer<>(
                producerConfig(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cluster-test-tx")),
                new StringSerializer(),
                new StringSerializer());
    }

    private static Map<String, Object> producerConfig(Map<String, Object> extra) {
        var config = new HashMap<>(cluster.adminConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        config.putAll(extra);
        return config;
    }

    private static Map<String, Object> consumerConfig() {
        var config = new HashMap<>(cluster.adminConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "cluster-test");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }
}
