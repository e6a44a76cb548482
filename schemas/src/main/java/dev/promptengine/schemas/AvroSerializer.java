package dev.promptengine.schemas;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes any generated event class with Avro single-object encoding: {@code C3 01}, the 8-byte
 * little-endian CRC-64-AVRO fingerprint of the writer schema, then the Avro binary body. A null
 * value stays null (a tombstone).
 */
public class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    static {
        EventTypes.trust();
    }

    private final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> encoders = new ConcurrentHashMap<>();

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        try {
            ByteBuffer buffer = encoders.computeIfAbsent(value.getClass(), AvroSerializer::encoderFor)
                    .encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Cannot encode " + value.getClass().getSimpleName() + " for topic " + topic + ": " + e.getMessage(),
                    e);
        }
    }

    private static BinaryMessageEncoder<SpecificRecord> encoderFor(Class<?> type) {
        SpecificData model = SpecificData.getForClass(type);
        return new BinaryMessageEncoder<>(model, model.getSchema(type));
    }
}
