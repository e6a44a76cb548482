package dev.promptengine.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.events.CostSource;
import dev.promptengine.events.CostedLlmExecution;
import dev.promptengine.events.ExecutionCost;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.ModelPrice;
import dev.promptengine.events.PricingStatus;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * The first real evolution of the contract (v2: price versions and layers, reported cost, cost
 * revisions). With real bytes, both ways: what a v1 producer wrote decodes into the current classes
 * with the documented defaults, and what the current producer writes decodes with a v1 reader schema
 * (an old consumer given the writer schema, as the schemas jar gives it), keeping every v1 field.
 */
class PricingEvolutionTests {

    private static final ReleasedSchemas RELEASED = ReleasedSchemas.load();

    private final AvroSerializer<SpecificRecord> serializer = new AvroSerializer<>();
    private final AvroDeserializer<SpecificRecord> deserializer = new AvroDeserializer<>();

    @Test
    void aV1CostedExecutionDecodesAsV2WithTheDefaults() {
        // given a costed execution as a v1 producer wrote it (the current event, written with schema v1)
        var current = costedV2();
        byte[] v1Bytes = rewrite(current, v1(CostedLlmExecution.class));

        // when
        var decoded = (CostedLlmExecution) deserializer.deserialize("t", v1Bytes);

        // then v1 fields keep their values, v2 fields take their defaults
        assertThat(decoded.getExecution().getId())
                .isEqualTo(current.getExecution().getId());
        assertThat(decoded.getCost().getTotalCost()).isEqualByComparingTo("0.0375");
        assertThat(decoded.getCost().getPriceId()).isEqualTo(current.getCost().getPriceId());
        assertThat(decoded.getCost().getCostSource()).isEqualTo(CostSource.UNKNOWN);
        assertThat(decoded.getCost().getRevision()).isZero();
        assertThat(decoded.getCost().getPriceVersion()).isNull();
        assertThat(decoded.getCost().getCatalogCost()).isNull();
        assertThat(decoded.getCost().getProviderCost()).isNull();
        assertThat(decoded.getExecution().getProviderCost()).isNull();
    }

    @Test
    void aV1ReaderDecodesAV2CostedExecution() {
        var current = costedV2();
        byte[] v2Bytes = serializer.serialize("t", current);

        GenericRecord old = decodeWith(v1(CostedLlmExecution.class), v2Bytes);

        var cost = (GenericRecord) old.get("cost");
        assertThat(cost.getSchema().getField("revision")).isNull();
        assertThat(cost.get("pricing_status")).hasToString("PRICED");
        assertThat(decimal(cost, "total_cost")).isEqualByComparingTo("0.0375");
        assertThat(cost.get("price_id"))
                .hasToString(current.getCost().getPriceId().toString());
        var execution = (GenericRecord) old.get("execution");
        assertThat(execution.get("id"))
                .hasToString(current.getExecution().getId().toString());
        assertThat(execution.get("input_tokens")).isEqualTo(1000L);
    }

    @Test
    void aV1ModelPriceIsADefaultLayerRowAtVersionOne() {
        var price = AvroSerdeTests.price();
        price.setTenant("acme");
        price.setVersion(7);
        byte[] v1Bytes = rewrite(price, v1(ModelPrice.class));

        var decoded = (ModelPrice) deserializer.deserialize("t", v1Bytes);

        assertThat(decoded.getTenant()).isNull();
        assertThat(decoded.getVersion()).isEqualTo(1);
        assertThat(decoded.getInputPer1m()).isEqualByComparingTo("2.5");
        assertThat(Topics.pricingKey(decoded)).isEqualTo("openai/gpt-4o/2024-01-01T00:00:00Z");
    }

    @Test
    void aV1ReaderDecodesAV2ModelPriceAndLlmExecution() {
        var price = AvroSerdeTests.price();
        price.setTenant("acme");
        price.setVersion(3);
        GenericRecord oldPrice = decodeWith(v1(ModelPrice.class), serializer.serialize("t", price));
        assertThat(oldPrice.get("model")).hasToString("gpt-4o");
        assertThat(decimal(oldPrice, "output_per_1m")).isEqualByComparingTo("10");
        assertThat(Topics.pricingKey(price)).isEqualTo("@acme/openai/gpt-4o/2024-01-01T00:00:00Z");

        var execution = AvroSerdeTests.execution();
        execution.setProviderCost(Money.toEventScale(new BigDecimal("0.0123")));
        GenericRecord oldExecution = decodeWith(v1(LlmExecution.class), serializer.serialize("t", execution));
        assertThat(oldExecution.get("model")).hasToString("gpt-4o-2024-08-06");
        assertThat(oldExecution.getSchema().getField("provider_cost")).isNull();
    }

    @Test
    void aV2ExecutionKeepsTheReportedCostExactly() {
        var execution = AvroSerdeTests.execution();
        execution.setProviderCost(Money.toEventScale(new BigDecimal("0.000000000000000001")));

        var decoded = (LlmExecution) deserializer.deserialize("t", serializer.serialize("t", execution));

        assertThat(decoded.getProviderCost()).isEqualTo(new BigDecimal("0.000000000000000001"));
    }

    private static CostedLlmExecution costedV2() {
        var costed = AvroSerdeTests.costed();
        ExecutionCost cost = costed.getCost();
        cost.setPriceVersion(4);
        cost.setPriceLayer("tenant");
        cost.setCostSource(CostSource.PROVIDER);
        cost.setCatalogCost(Money.toEventScale(new BigDecimal("0.04")));
        cost.setProviderCost(Money.toEventScale(new BigDecimal("0.0375")));
        cost.setRevision(2);
        cost.setPricingStatus(PricingStatus.PRICED);
        costed.getExecution().setProviderCost(Money.toEventScale(new BigDecimal("0.0375")));
        return costed;
    }

    private static Schema v1(Class<? extends SpecificRecord> type) {
        return RELEASED.versionsOf(type).get(0);
    }

    /** The event's v1 fields, written with the v1 schema: the bytes a v1 producer sends. */
    private byte[] rewrite(SpecificRecord event, Schema v1) {
        GenericRecord asV1 = decodeWith(v1, serializer.serialize("t", event));
        try {
            return bytes(new BinaryMessageEncoder<GenericRecord>(genericWithDecimals(), v1).encode(asV1));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static GenericRecord decodeWith(Schema reader, byte[] bytes) {
        var store = new SchemaStore.Cache();
        RELEASED.all().values().forEach(versions -> versions.forEach(store::addSchema));
        try {
            return new BinaryMessageDecoder<GenericRecord>(genericWithDecimals(), reader, store).decode(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static GenericData genericWithDecimals() {
        var data = new GenericData();
        data.addLogicalTypeConversion(new Conversions.DecimalConversion());
        return data;
    }

    private static BigDecimal decimal(GenericRecord record, String field) {
        return (BigDecimal) record.get(field);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
