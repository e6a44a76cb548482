package dev.promptengine.service.auth;

import dev.promptengine.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;

/**
 * Feeds the {@link ApiKeyDirectory} from the compacted {@link Topics#API_KEYS}: every instance of
 * every service reads all partitions from the beginning, without a consumer group (each needs every
 * key, and the service principals may read the topic but join no group), and then follows it. The
 * consumer comes from Boot's {@code spring.kafka} properties, so the cluster's security settings
 * apply to it as to every other client. On start it waits (at most {@code
 * promptengine.auth.directory.startup-wait}) until it has read the topic to its end, so keys that
 * exist keep working across a restart; it goes on without them when the broker is not reachable.
 */
class ApiKeyTopicReader implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ApiKeyTopicReader.class);

    private final KafkaProperties kafkaProperties;
    private final ApiKeyDirectory directory;
    private final Duration startupWait;
    private final String topic = Topics.API_KEYS.name();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;

    ApiKeyTopicReader(KafkaProperties kafkaProperties, ApiKeyDirectory directory, Duration startupWait) {
        this.kafkaProperties = kafkaProperties;
        this.directory = directory;
        this.startupWait = startupWait;
    }

    @Override
    public void start() {
        Map<String, Object> config = kafkaProperties.buildConsumerProperties();
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "api-key-directory-" + System.identityHashCode(this));
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = new Thread(this::run, "api-key-directory");
        thread.setDaemon(true);
        thread.start();
        try {
            if (!caughtUp.await(startupWait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn(
                        "API key topic {} not read to its end within {}; keys from configuration work, managed keys"
                                + " as they arrive",
                        topic,
                        startupWait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (running) {
                try {
                    follow();
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    // broker unreachable for longer than a client timeout, or not authorised: read again
                    log.error("API key directory reader failed; reading {} again in 5 s", topic, e);
                    Thread.sleep(5000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Thread.interrupted(); // stop() interrupts a pause; the close must not see it
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void follow() throws InterruptedException {
        var partitions = partitions();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (running) {
            var records = consumer.poll(Duration.ofMillis(200));
            for (var record : records) {
                directory.accept(record.key(), record.value());
            }
            if (end != null && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                log.info("API key directory read {} to its end: {} managed key(s)", topic, directory.size());
                caughtUp.countDown();
                end = null;
            }
        }
    }

    /** The topic's partitions; waits for the topic while it does not exist yet (another service may create it). */
    private List<TopicPartition> partitions() throws InterruptedException {
        boolean warned = false;
        while (running) {
            List<org.apache.kafka.common.PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                infos = List.of();
            }
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
            }
            if (!warned) {
                log.warn("API key topic {} does not exist yet; waiting for it", topic);
                warned = true;
            }
            Thread.sleep(1000);
        }
        throw new WakeupException(); // stopping
    }

    @Override
    public void stop() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            thread.interrupt(); // out of the pause between attempts
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
