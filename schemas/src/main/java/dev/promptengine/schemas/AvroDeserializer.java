package dev.promptengine.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads single-object encoded events into the current generated classes. The writer schema is
 * found by its fingerprint among every released version of every event type, so one deserializer
 * serves every topic and old producers keep working (Avro schema resolution fills new fields with
 * their defaults).
 *
 * <p>Errors are {@link SerializationException}s that say what was wrong, so an
 * {@code ErrorHandlingDeserializer} can route the record to the dead-letter topic with the reason.
 */
public class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    static {
        EventTypes.trust();
    }

    private static final int HEADER_LENGTH = 10;

    private final Map<Long, BinaryMessageDecoder<?>> decoders = new HashMap<>();
    private final Map<Long, String> knownVersions = new HashMap<>();

    public AvroDeserializer() {
        this(ReleasedSchemas.load());
    }

    AvroDeserializer(ReleasedSchemas released) {
        released.all().forEach(this::register);
    }

    private <R extends SpecificRecord> void register(Class<R> type, java.util.List<Schema> versions) {
        SpecificData model = SpecificData.getForClass(type);
        Schema current = model.getSchema(type);
        var store = new SchemaStore.Cache();
        versions.forEach(store::addSchema);
        BinaryMessageDecoder<R> decoder = new BinaryMessageDecoder<>(model, current, store);
        register(current, decoder, type.getSimpleName() + " (current)");
        for (int i = 0; i < versions.size(); i++) {
            register(versions.get(i), decoder, type.getSimpleName() + " v" + (i + 1));
        }
    }

    private void register(Schema schema, BinaryMessageDecoder<?> decoder, String label) {
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        decoders.put(fingerprint, decoder);
        knownVersions.merge(fingerprint, label, (a, b) -> a + " = " + b);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < HEADER_LENGTH || data[0] != (byte) 0xC3 || data[1] != (byte) 0x01) {
            throw new SerializationException("Record on topic " + topic
                    + " is not Avro single-object encoded (expected marker C3 01 and an 8-byte schema fingerprint)");
        }
        long fingerprint =
                ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        var decoder = decoders.get(fingerprint);
        if (decoder == null) {
            throw new SerializationException(String.format(
                    "Unknown Avro schema fingerprint %016x on topic %s: not a released version of any PromptEngine"
                            + " event (known: %s)",
                    fingerprint, topic, describeKnown()));
        }
        try {
            return (T) decoder.decode(data);
        } catch (Exception e) {
            throw new SerializationException(
                    "Cannot decode Avro body on topic " + topic + " (fingerprint " + String.format("%016x", fingerprint)
                            + "): " + e.getMessage(),
                    e);
        }
    }

    private String describeKnown() {
        return knownVersions.values().stream().sorted().collect(Collectors.joining(", "));
    }
}
