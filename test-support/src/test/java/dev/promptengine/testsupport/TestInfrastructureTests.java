package dev.promptengine.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class TestInfrastructureTests {

    @Test
    void kafkaRoundTripsARecordWithTransactions() throws Exception {
        String topic = TestKafka.uniqueTopic("support");
        TestKafka.createTopics(2, topic);

        try (var producer = new KafkaProducer<>(
                TestKafka.clientConfig(
                        Map.<String, Object>of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "support-" + topic)),
                new StringSerializer(),
                new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "v")).get();
            producer.commitTransaction();
        }

        try (var consumer = new KafkaConsumer<>(
                TestKafka.clientConfig(Map.<String, Object>of(
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "g-" + topic,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed")),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            var values = new java.util.ArrayList<String>();
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            assertThat(values).containsExactly("v");
        }
    }

    @Test
    void eachNewDatabaseIsEmptyAndSeparate() throws Exception {
        var first = TestPostgres.newDatabase("support");
        var second = TestPostgres.newDatabase("support");

        try (var connection = first.connect();
                var statement = connection.createStatement()) {
            statement.execute("CREATE TABLE marker (id int)");
        }

        assertThat(first.url()).isNotEqualTo(second.url());
        try (var connection = second.connect();
                var result = connection
                        .createStatement()
                        .executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'marker'")) {
            result.next();
            assertThat(result.getInt(1)).isZero();
        }
        try (var connection = second.connect();
                var result = connection.createStatement().executeQuery("SHOW server_version_num")) {
            result.next();
            assertThat(result.getInt(1)).isGreaterThanOrEqualTo(150000);
        }
    }
}
