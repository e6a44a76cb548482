package dev.promptengine.analytics.deadletter;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends records and waits until the broker acknowledged every one, or fails: nothing is marked before
 * that. Used by the outboxes of the dead letters and of the API keys.
 */
public final class Acknowledgements {

    private Acknowledgements() {}

    /** @throws BrokerUnavailableException when not every record was acknowledged within 30 s */
    public static void sendAll(
            KafkaTemplate<String, byte[]> kafka, List<ProducerRecord<String, byte[]>> records, String what) {
        var sends = records.stream().map(kafka::send).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(sends).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while sending " + what, e);
        } catch (Exception e) {
            throw new BrokerUnavailableException("the broker did not acknowledge " + what, e);
        }
    }

    /** The broker did not take the records; nothing was marked, the caller may retry. */
    public static final class BrokerUnavailableException extends RuntimeException {
        BrokerUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
