package dev.promptengine.service.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.promptengine.events.ApiKey;
import dev.promptengine.schemas.AvroSerializer;
import dev.promptengine.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ApiKeyDirectoryTests {

    static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    static final String RAW = "pe_directory_test_key";

    private final ApiKeyDirectory directory = new ApiKeyDirectory();
    private final AvroSerializer<ApiKey> avro = new AvroSerializer<>();

    @Test
    void findsAnActiveKeyByItsHashWithItsTenantAndRole() {
        var key = analystKey(1).build();

        directory.accept(key.getId().toString(), bytes(key));

        assertThat(directory.find(ApiKeys.sha256Hex(RAW), NOW))
                .hasValue(new Caller("ci", "acme", Role.ANALYST, key.getId().toString()));
        assertThat(directory.find(ApiKeys.sha256Hex("another key"), NOW)).isEmpty();
    }

    @Test
    void aRotatedKeyWorksUntilItsExpiryAndNotFromThatInstantOn() {
        var key = analystKey(2).setExpiresAt(NOW.plus(Duration.ofHours(1))).build();

        directory.accept(key.getId().toString(), bytes(key));

        assertThat(directory.find(ApiKeys.sha256Hex(RAW), NOW.plus(Duration.ofMinutes(59))))
                .isPresent();
        assertThat(directory.find(ApiKeys.sha256Hex(RAW), NOW.plus(Duration.ofHours(1))))
                .isEmpty();
    }

    @Test
    void aRevokedKeyIsRefusedAndAnOlderRecordArrivingLaterDoesNotRevive() {
        var active = analystKey(1).build();
        var revoked = ApiKey.newBuilder(active).setVersion(2).setRevokedAt(NOW).build();
        String id = active.getId().toString();

        directory.accept(id, bytes(active));
        directory.accept(id, bytes(revoked));
        boolean changed = directory.accept(id, bytes(active));

        assertThat(changed).isFalse();
        assertThat(directory.find(ApiKeys.sha256Hex(RAW), NOW)).isEmpty();
    }

    @Test
    void aTombstoneForgetsTheKey() {
        var key = analystKey(1).build();
        directory.accept(key.getId().toString(), bytes(key));

        directory.accept(key.getId().toString(), null);

        assertThat(directory.find(ApiKeys.sha256Hex(RAW), NOW)).isEmpty();
        assertThat(directory.size()).isZero();
    }

    @Test
    void skipsUndecodableRecordsAndKeepsApplyingTheNextOnes() {
        var unknownRole = analystKey(1).setRole("SUPERUSER").build();
        var key = analystKey(1).build();

        boolean garbage = directory.accept(UUID.randomUUID().toString(), "not avro".getBytes(StandardCharsets.UTF_8));
        boolean badRole = directory.accept(unknownRole.getId().toString(), bytes(unknownRole));
        boolean good = directory.accept(key.getId().toString(), bytes(key));

        assertThat(garbage).isFalse();
        assertThat(badRole).isFalse();
        assertThat(good).isTrue();
        assertThat(directory.find(ApiKeys.sha256Hex(RAW), NOW)).isPresent();
        assertThat(directory.size()).isEqualTo(1);
    }

    @Test
    void skipsARecordWhoseValueIsForAnotherKey() {
        var key = analystKey(1).build();

        assertThat(directory.accept(UUID.randomUUID().toString(), bytes(key))).isFalse();
        assertThat(directory.find(ApiKeys.sha256Hex(RAW), NOW)).isEmpty();
    }

    private static ApiKey.Builder analystKey(long version) {
        return ApiKey.newBuilder()
                .setId(UUID.randomUUID())
                .setName("ci")
                .setTenant("acme")
                .setRole("ANALYST")
                .setSha256(ApiKeys.sha256Hex(RAW))
                .setVersion(version)
                .setCreatedAt(NOW.minus(Duration.ofDays(1)));
    }

    private byte[] bytes(ApiKey key) {
        return avro.serialize(Topics.API_KEYS.name(), key);
    }
}
