package dev.promptengine.cost.pricing;

import static dev.promptengine.cost.Fixtures.readCommitted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.promptengine.cost.CostServiceApplication;
import dev.promptengine.cost.IntegrationTestBase;
import dev.promptengine.events.ModelPrice;
import dev.promptengine.schemas.AvroDeserializer;
import dev.promptengine.schemas.Topics;
import dev.promptengine.testsupport.TestKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

class PricingPropagationIntegrationTests extends IntegrationTestBase {

    static final Duration PATIENCE = Duration.ofSeconds(90);

    @Autowired
    JdbcClient jdbc;

    static Map<String, Object> price(String model, String input, String from) {
        var body = new LinkedHashMap<String, Object>();
        body.put("provider", "acme");
        body.put("model", model);
        body.put("input_per_1m", input);
        body.put("output_per_1m", "12");
        body.put("effective_from", from);
        return body;
    }

    /** Values (null for a tombstone) published under the key, in topic order within its partition. */
    static List<ModelPrice> published(String key) {
        var avro = new AvroDeserializer<ModelPrice>();
        var values = new ArrayList<ModelPrice>();
        for (var record : readCommitted(Topics.PRICING.name())) {
            if (key.equals(record.key())) {
                values.add(record.value() == null ? null : avro.deserialize(record.topic(), record.value()));
            }
        }
        return values;
    }

    @Test
    void catalogChangesReachTheCompactedPricingTopicThroughTheOutbox() {
        String model = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        String firstKey = "acme/" + model + "/2025-01-01T00:00:00Z";
        String movedKey = "acme/" + model + "/2025-03-01T00:00:00Z";

        var created = send("POST", "/v1/prices", price(model, "3", "2025-01-01T00:00:00Z"), PLATFORM_ADMIN_KEY);
        String id = created.body().get("id").asString();
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(published(firstKey))
                        .singleElement()
                        .satisfies(event -> {
                            assertThat(event.getId()).hasToString(id);
                            assertThat(event.getInputPer1m()).isEqualByComparingTo("3");
                            assertThat(event.getOutputPer1m()).isEqualByComparingTo("12");
                        }));

        send("PUT", "/v1/prices/" + id, price(model, "3.5", "2025-03-01T00:00:00Z"), PLATFORM_ADMIN_KEY);
        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(published(firstKey)).hasSize(2).last().isNull(); // old key retracted
            assertThat(published(movedKey))
                    .singleElement()
                    .satisfies(event -> assertThat(event.getInputPer1m()).isEqualByComparingTo("3.5"));
        });

        send("DELETE", "/v1/prices/" + id, null, PLATFORM_ADMIN_KEY);
        await().atMost(PATIENCE)
                .untilAsserted(
                        () -> assertThat(published(movedKey)).hasSize(2).last().isNull());
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(jdbc.sql("SELECT count(*) FROM pricing_outbox")
                                .query(Long.class)
                                .single())
                        .isZero());
    }

    @Test
    void aTenantRowTravelsUnderItsTenantKeyWithItsVersionAndADiscountUnderItsId() {
        String model = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        String tenantKey = "@acme/acme/" + model + "/2025-01-01T00:00:00Z";
        var created = send("POST", "/v1/prices", price(model, "3", "2025-01-01T00:00:00Z"), TENANT_ADMIN_KEY);
        String id = created.body().get("id").asString();
        send("PUT", "/v1/prices/" + id, price(model, "2", "2025-01-01T00:00:00Z"), TENANT_ADMIN_KEY);
        var discount = new LinkedHashMap<String, Object>();
        discount.put("provider", "acme-" + model);
        discount.put("percent", "12.5");
        discount.put("effective_from", "2025-01-01T00:00:00Z");
        String discountId = send("POST", "/v1/prices/discounts", discount, TENANT_ADMIN_KEY)
                .body()
                .get("id")
                .asString();
        send("DELETE", "/v1/prices/discounts/" + discountId, null, TENANT_ADMIN_KEY);

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(published(tenantKey)).hasSize(2).last().satisfies(event -> {
                assertThat(event.getTenant()).isEqualTo("acme");
                assertThat(event.getVersion()).isEqualTo(2);
                assertThat(event.getInputPer1m()).isEqualByComparingTo("2");
            });
            var discounts = new ArrayList<dev.promptengine.events.PriceDiscount>();
            var avro = new AvroDeserializer<dev.promptengine.events.PriceDiscount>();
            for (var record : readCommitted(Topics.PRICING_DISCOUNTS.name())) {
                if (discountId.equals(record.key())) {
                    discounts.add(record.value() == null ? null : avro.deserialize(record.topic(), record.value()));
                }
            }
            assertThat(discounts).hasSize(2);
            assertThat(discounts.get(0).getTenant()).isEqualTo("acme");
            assertThat(discounts.get(0).getPercent()).isEqualByComparingTo("12.5");
            assertThat(discounts.get(1)).isNull(); // the delete is a tombstone
        });
    }

    @Test
    void aPatternRe2CannotCompileOnThePricingTopicIsSkippedAndPricesStillUpdate() throws Exception {
        // written straight to the topic (an older version or another producer), past the API's check
        var poisoned = PriceIndexTests.price(
                "acme",
                "poison-" + UUID.randomUUID().toString().substring(0, 8),
                "(?=acme)acme-.*",
                "1",
                java.time.Instant.parse("2024-01-01T00:00:00Z"),
                null);
        var event = PricingEvents.toEvent(poisoned);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(
                TestKafka.clientConfig(Map.of("acks", "all")),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                            Topics.PRICING.name(),
                            Topics.pricingKey(event),
                            new dev.promptengine.schemas.AvroSerializer<ModelPrice>()
                                    .serialize(Topics.PRICING.name(), event)))
                    .get();
        }

        // the reader goes on: the poisoned row prices its exact model, and a later change arrives
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(get("/v1/prices/resolve?provider=acme&model=" + poisoned.model())
                                .body()
                                .get("pricing_status")
                                .asString())
                        .isEqualTo("PRICED"));
        String model = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        send("POST", "/v1/prices", price(model, "3", "2025-01-01T00:00:00Z"), PLATFORM_ADMIN_KEY);
        await().atMost(PATIENCE)
                .untilAsserted(() -> assertThat(
                                get("/v1/prices/resolve?provider=acme&model=" + model + "&at=2025-06-01T00:00:00Z")
                                        .body()
                                        .get("pricing_status")
                                        .asString())
                        .isEqualTo("PRICED"));
        assertThat(get("/v1/prices/resolve?provider=acme&model=acme-matched-by-the-bad-pattern")
                        .body()
                        .get("pricing_status")
                        .asString())
                .isEqualTo("UNPRICED");
    }

    @Test
    void twoInstancesAgreeOnThePriceAfterAChange() {
        String model = "acme-" + UUID.randomUUID().toString().substring(0, 8);
        String resolve = "/v1/prices/resolve?provider=acme&model=" + model + "&at=2025-06-01T00:00:00Z";
        try (var second = new SpringApplicationBuilder(CostServiceApplication.class)
                .run(
                        "--server.port=0",
                        "--promptengine.instance-id=it-second",
                        "--spring.kafka.bootstrap-servers=" + TestKafka.bootstrapServers(),
                        "--promptengine.kafka.username=admin",
                        "--promptengine.kafka.password=" + TestKafka.adminPassword(),
                        "--spring.datasource.url=" + database.url(),
                        "--spring.datasource.username=" + database.username(),
                        "--spring.datasource.password=" + database.password(),
                        "--spring.kafka.listener.concurrency=1",
                        "--promptengine.auth.keys[0].name=admin",
                        "--promptengine.auth.keys[0].tenant=default",
                        "--promptengine.auth.keys[0].role=PLATFORM_ADMIN",
                        "--promptengine.auth.keys[0].sha256=" + PLATFORM_ADMIN_HASH)) {
            int secondPort =
                    ((WebServerApplicationContext) second).getWebServer().getPort();

            var created = send("POST", "/v1/prices", price(model, "3", "2025-01-01T00:00:00Z"), PLATFORM_ADMIN_KEY);
            String id = created.body().get("id").asString();
            await().atMost(PATIENCE).untilAsserted(() -> {
                for (int port : new int[] {port, secondPort}) {
                    var answer =
                            send(port, "GET", resolve, null, PLATFORM_ADMIN_KEY).body();
                    assertThat(answer.get("pricing_status").asString()).isEqualTo("PRICED");
                    assertThat(answer.get("price").get("id").asString()).isEqualTo(id);
                    assertThat(answer.get("price").get("input_per_1m").decimalValue())
                            .isEqualByComparingTo("3");
                }
            });

            // a change made through the second instance reaches both
            send(
                    secondPort,
                    "PUT",
                    "/v1/prices/" + id,
                    price(model, "2.25", "2025-01-01T00:00:00Z"),
                    PLATFORM_ADMIN_KEY);
            await().atMost(PATIENCE).untilAsserted(() -> {
                for (int port : new int[] {port, secondPort}) {
                    assertThat(send(port, "GET", resolve, null, PLATFORM_ADMIN_KEY)
                                    .body()
                                    .get("price")
                                    .get("input_per_1m")
                                    .decimalValue())
                            .isEqualByComparingTo("2.25");
                }
            });
        }
    }
}
