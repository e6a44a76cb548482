package dev.promptengine.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptengine.events.CaptureMode;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.Message;
import dev.promptengine.events.ModelPrice;
import dev.promptengine.events.PricingStatus;
import dev.promptengine.events.PromptUsage;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerdeTests {

    private static final Instant OCCURRED = Instant.parse("2026-11-27T10:15:30.123Z");

    private final AvroSerializer<org.apache.avro.specific.SpecificRecord> serializer = new AvroSerializer<>();
    private final AvroDeserializer<org.apache.avro.specific.SpecificRecord> deserializer = new AvroDeserializer<>();

    @Test
    void roundTripsEveryEventTypeThroughSingleObjectEncoding() {
        for (org.apache.avro.specific.SpecificRecord event : List.of(usage(), execution(), costed(), price())) {
            byte[] bytes = serializer.serialize("t", event);

            assertThat(bytes[0]).isEqualTo((byte) 0xC3);
            assertThat(bytes[1]).isEqualTo((byte) 0x01);
            assertThat(deserializer.deserialize("t", bytes)).isEqualTo(event);
        }
    }

    @Test
    void keepsExactDecimalMoney() {
        var costed = costed();

        var decoded = (CostedLlmExecution) deserializer.deserialize("t", serializer.serialize("t", costed));

        assertThat(decoded.getCost().getTotalCost()).isEqualByComparingTo("0.0375");
        assertThat(decoded.getCost().getTotalCost().scale()).isEqualTo(Money.SCALE);
        assertThat(decoded.getCost().getInputCost()).isEqualTo(Money.toEventScale(new BigDecimal("0.000000000123")));
    }

    @Test
    void nullValueIsATombstone() {
        assertThat(serializer.serialize("t", null)).isNull();
        assertThat(deserializer.deserialize("t", null)).isNull();
    }

    @Test
    void unknownFingerprintGivesAClearError() {
        byte[] bytes = serializer.serialize("t", usage());
        bytes[2] ^= 0x55;

        assertThatThrownBy(() -> deserializer.deserialize("promptengine.usage.v1", bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown Avro schema fingerprint")
                .hasMessageContaining("promptengine.usage.v1")
                .hasMessageContaining("PromptUsage v1");
    }

    @Test
    void bytesWithoutTheSingleObjectMarkerAreRejected() {
        assertThatThrownBy(() -> deserializer.deserialize("t", "{\"json\":true}".getBytes()))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not Avro single-object encoded");
    }

    @Test
    void truncatedBodyGivesAClearError() {
        byte[] bytes = serializer.serialize("t", execution());
        byte[] truncated = java.util.Arrays.copyOf(bytes, 14);

        assertThatThrownBy(() -> deserializer.deserialize("t", truncated))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot decode Avro body");
    }

    @Test
    void bytesWrittenWithAnOlderVersionDecodeIntoTheCurrentClass() throws Exception {
        // given a fixture history where v1 lacked environment, session, cache-write and redaction fields
        var history = ReleasedSchemas.load("released-fixture");
        Schema v1 = history.versionsOf(LlmExecution.class).get(0);
        var old = new GenericData.Record(v1);
        var id = UUID.randomUUID();
        old.put("id", id.toString());
        old.put("usage_id", id.toString());
        old.put("tenant", "acme");
        old.put("occurred_at", OCCURRED.toEpochMilli());
        old.put("prompt_slug", "welcome");
        old.put("prompt_version", 3);
        old.put("provider", "openai");
        old.put("model", "gpt-4o");
        old.put("messages", new GenericData.Array<>(v1.getField("messages").schema(), List.of()));
        old.put("input_tokens", 1000L);
        old.put("output_tokens", 500L);
        old.put("total_tokens", 1500L);
        old.put("cached_input_tokens", 0L);
        old.put("execution_time_ms", 840L);
        old.put("status", new GenericData.EnumSymbol(v1.getField("status").schema(), "SUCCESS"));
        ByteBuffer written = new BinaryMessageEncoder<GenericData.Record>(GenericData.get(), v1).encode(old);
        byte[] bytes = new byte[written.remaining()];
        written.get(bytes);

        // when
        var decoded = (LlmExecution) new AvroDeserializer<>(history).deserialize("t", bytes);

        // then fields of v1 keep their values and newer fields take their defaults
        assertThat(decoded.getId()).isEqualTo(id);
        assertThat(decoded.getOccurredAt()).isEqualTo(OCCURRED);
        assertThat(decoded.getInputTokens()).isEqualTo(1000L);
        assertThat(decoded.getStatus()).isEqualTo(ExecutionStatus.SUCCESS);
        assertThat(decoded.getEnvironment()).isEqualTo("production");
        assertThat(decoded.getCacheWriteTokens()).isZero();
        assertThat(decoded.getCaptureMode()).isEqualTo(CaptureMode.FULL);
        assertThat(decoded.getRedactions()).isEmpty();
    }

    static PromptUsage usage() {
        return PromptUsage.newBuilder()
                .setId(UUID.randomUUID())
                .setTenant("acme")
                .setOccurredAt(OCCURRED)
                .setPromptSlug("welcome-email")
                .setPromptVersion(2)
                .setEnvironment("staging")
                .setParameters("{\"name\":\"Ada\"}")
                .setRenderedContent("Hello Ada")
                .setRedactions(Map.of("email", 1))
                .build();
    }

    static LlmExecution execution() {
        return LlmExecution.newBuilder()
                .setId(UUID.randomUUID())
                .setUsageId(UUID.randomUUID())
                .setOccurredAt(OCCURRED)
                .setPromptSlug("welcome-email")
                .setPromptVersion(2)
                .setProvider("openai")
                .setModel("gpt-4o-2024-08-06")
                .setTemperature(0.7)
                .setMessages(List.of(new Message("user", "Hello")))
                .setInputTokens(1000)
                .setOutputTokens(500)
                .setTotalTokens(1500)
                .setExecutionTimeMs(840)
                .setStatus(ExecutionStatus.SUCCESS)
                .build();
    }

    static CostedLlmExecution costed() {
        var cost = ExecutionCost.newBuilder()
                .setPricingStatus(PricingStatus.PRICED)
                .setPriceId(UUID.randomUUID())
                .setMatchedRule("exact")
                .setInputCost(Money.toEventScale(new BigDecimal("0.000000000123")))
                .setOutputCost(Money.toEventScale(new BigDecimal("0.0075")))
                .setTotalCost(Money.toEventScale(new BigDecimal("0.0375")))
                .build();
        return new CostedLlmExecution(execution(), cost);
    }

    static ModelPrice price() {
        return ModelPrice.newBuilder()
                .setId(UUID.randomUUID())
                .setProvider("openai")
                .setModel("gpt-4o")
                .setMatchPattern("(?i)^gpt-4o(-\\d{4}-\\d{2}-\\d{2})?$")
                .setInputPer1m(Money.toEventScale(new BigDecimal("2.5")))
                .setOutputPer1m(Money.toEventScale(new BigDecimal("10")))
                .setEffectiveFrom(Instant.parse("2024-01-01T00:00:00Z"))
                .setUpdatedAt(OCCURRED)
                .build();
    }
}
