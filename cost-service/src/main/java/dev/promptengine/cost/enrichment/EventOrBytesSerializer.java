package dev.promptengine.cost.enrichment;

import dev.promptengine.schemas.AvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The value serializer of the one transactional producer: events as Avro, and raw bytes as they
 * are (the original bytes of a record that could not be decoded, sent to the dead-letter topic).
 * One producer for both keeps the costed output and the dead letters in the same transaction.
 */
public class EventOrBytesSerializer implements Serializer<Object> {

    private final AvroSerializer<SpecificRecord> avro = new AvroSerializer<>();

    @Override
    public byte[] serialize(String topic, Object value) {
        if (value == null || value instanceof byte[]) {
            return (byte[]) value;
        }
        if (value instanceof SpecificRecord event) {
            return avro.serialize(topic, event);
        }
        throw new IllegalArgumentException(
                "Cannot serialize " + value.getClass().getName() + " for topic " + topic);
    }
}
