package dev.promptengine.bench.workload;

import dev.promptengine.access.kafka.KafkaSecurity;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka clients as every bench producer and consumer uses them: durable produce settings
 * ({@code acks=all}, idempotent) with the batching that matters on this machine (linger 5 ms,
 * 128 KiB batches, per FIELD-NOTES.md).
 */
public final class KafkaClients {

    private static volatile Map<String, Object> security = Map.of();

    /** Every client made here authenticates as this user (SASL/SCRAM, as every broker of the product requires). */
    public static void authenticate(String username, String password) {
        security = KafkaSecurity.clientProperties(username, password);
        springArguments =
                List.of("--promptengine.kafka.username=" + username, "--promptengine.kafka.password=" + password);
    }

    private static volatile List<String> springArguments = List.of();

    /** The SASL settings of the bench's clients. */
    public static Map<String, Object> security() {
        return security;
    }

    /** Command-line arguments that make a service authenticate as the bench's user. */
    public static List<String> springArguments() {
        return springArguments;
    }

    public static Map<String, Object> producerConfig(String bootstrap) {
        var config = new HashMap<String, Object>(security);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        return config;
    }

    public static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(producerConfig(bootstrap), new StringSerializer(), new ByteArraySerializer());
    }

    public static Map<String, Object> consumerConfig(String bootstrap, String group) {
        var config = new HashMap<String, Object>(security);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }

    public static KafkaConsumer<String, byte[]> consumer(String bootstrap, String group) {
        return new KafkaConsumer<>(
                consumerConfig(bootstrap, group), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaClients() {}
}
