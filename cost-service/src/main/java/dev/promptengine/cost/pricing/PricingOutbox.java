package dev.promptengine.cost.pricing;

import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Topics;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Transactional outbox for catalog changes. {@link #upserted}/{@link #deleted} join the caller's
 * database transaction, so a change and its event commit or roll back together. The relay
 * publishes pending rows in order and deletes them only after the broker acknowledged them; a
 * crash in between republishes the same records, which the compacted topic absorbs. One instance
 * relays at a time (advisory lock), which keeps the order per key.
 */
@Component
class PricingOutbox {

    private static final Logger log = LoggerFactory.getLogger(PricingOutbox.class);
    private static final long RELAY_LOCK = 0x636f737450726963L; // "costPric"
    private static final int BATCH = 500;

    private record Pending(long seq, String topic, String key, byte[] payload) {}

    private final JdbcClient jdbc;
    private final PricingRelayProducer producer;
    private final Clock clock;
    private final AvroSerializer<dev.promptengine.events.ModelPrice> serializer = new AvroSerializer<>();
    private final AvroSerializer<dev.promptengine.events.PriceDiscount> discountSerializer = new AvroSerializer<>();

    PricingOutbox(JdbcClient jdbc, PricingRelayProducer producer, Clock clock) {
        this.jdbc = jdbc;
        this.producer = producer;
        this.clock = clock;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void upserted(Price price) {
        var event = PricingEvents.toEvent(price);
        append(Topics.PRICING.name(), Topics.pricingKey(event), serializer.serialize(Topics.PRICING.name(), event));
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void deleted(Price price) {
        append(Topics.PRICING.name(), Topics.pricingKey(PricingEvents.toEvent(price)), null);
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void upserted(Discount discount) {
        String topic = Topics.PRICING_DISCOUNTS.name();
        append(topic, discount.id().toString(), discountSerializer.serialize(topic, PricingEvents.toEvent(discount)));
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public void deleted(Discount discount) {
        append(Topics.PRICING_DISCOUNTS.name(), discount.id().toString(), null);
    }

    private void append(String topic, String key, byte[] payload) {
        jdbc.sql("""
                        INSERT INTO pricing_outbox (topic, record_key, payload, created_at)
                        VALUES (:topic, :key, :payload, :now)
                        """)
                .param("topic", topic)
                .param("key", key)
                .param("payload", payload)
                .param("now", java.sql.Timestamp.from(clock.instant()))
                .update();
    }

    /** Publishes what is pending; answers how many records it published (0 when another instance relays). */
    @Scheduled(fixedDelayString = "${promptengine.pricing.relay-interval:200ms}")
    @Transactional
    public int relay() {
        boolean leader = jdbc.sql("SELECT pg_try_advisory_xact_lock(:lock)")
                .param("lock", RELAY_LOCK)
                .query(Boolean.class)
                .single();
        if (!leader) {
            return 0;
        }
        var pending = jdbc.sql("SELECT seq, topic, record_key, payload FROM pricing_outbox ORDER BY seq LIMIT :batch")
                .param("batch", BATCH)
                .query((rs, n) -> new Pending(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBytes(4)))
                .list();
        if (pending.isEmpty()) {
            return 0;
        }
        var kafka = producer.producer();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try {
            for (var record : pending) {
                sends.add(kafka.send(new ProducerRecord<>(record.topic(), record.key(), record.payload())));
            }
            kafka.flush();
            for (var send : sends) {
                await(send);
            }
        } catch (RuntimeException e) {
            producer.replace(); // the rows stay (this transaction rolls back); the next run republishes
            throw e;
        }
        jdbc.sql("DELETE FROM pricing_outbox WHERE seq <= :last")
                .param("last", pending.get(pending.size() - 1).seq())
                .update();
        log.info("Published {} pricing change(s)", pending.size());
        return pending.size();
    }

    boolean isEmpty() {
        return jdbc.sql("SELECT NOT EXISTS (SELECT 1 FROM pricing_outbox)")
                .query(Boolean.class)
                .single();
    }

    private static void await(Future<RecordMetadata> send) {
        try {
            send.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing pricing changes", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Pricing changes not acknowledged; they stay in the outbox", e);
        }
    }
}
