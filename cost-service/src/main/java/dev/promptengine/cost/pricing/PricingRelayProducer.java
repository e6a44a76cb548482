package dev.promptengine.cost.pricing;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;

/**
 * The outbox relay's own producer: idempotent but not transactional (Boot's producer factory is
 * transactional for the enrichment, and the outbox rows already carry Avro bytes), so it is built
 * here from the same {@code spring.kafka} properties. After a failed relay it is replaced, so a
 * producer stuck in an error state (seen with sequence errors while a topic was just created)
 * never blocks the relay for good; republishing is harmless on the compacted topic.
 */
@Component
class PricingRelayProducer implements DisposableBean {

    private final Map<String, Object> config;
    private volatile Producer<String, byte[]> producer;

    PricingRelayProducer(KafkaProperties properties) {
        config = properties.buildProducerProperties();
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "cost-pricing-relay-" + System.identityHashCode(this));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        producer = create();
    }

    Producer<String, byte[]> producer() {
        return producer;
    }

    synchronized void replace() {
        var broken = producer;
        producer = create();
        broken.close(Duration.ZERO);
    }

    private Producer<String, byte[]> create() {
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void destroy() {
        producer.close();
    }
}
