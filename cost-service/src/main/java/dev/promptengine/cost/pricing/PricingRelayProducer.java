package dev.promptengine.cost.pricing;

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
 * here from the same {@code spring.kafka} properties.
 */
@Component
class PricingRelayProducer implements DisposableBean {

    private final Producer<String, byte[]> producer;

    PricingRelayProducer(KafkaProperties properties) {
        Map<String, Object> config = properties.buildProducerProperties();
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "cost-pricing-relay-" + System.identityHashCode(this));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    Producer<String, byte[]> producer() {
        return producer;
    }

    @Override
    public void destroy() {
        producer.close();
    }
}
