package dev.promptengine.schemas.sealing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.promptengine.events.SealedContent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealingTests {

    @TempDir
    Path keyDirectory;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));

    @Test
    void sealedContentOpensOnlyForItsTenantAndEvent() {
        var keys = new LocalKeyDirectory(keyDirectory);
        var sealer = new ContentSealer(keys, Duration.ofHours(1), clock);
        var opener = new ContentOpener(keys, clock);
        UUID event = UUID.randomUUID();

        SealedContent sealed = sealer.seal("acme", event, utf8("{\"rendered_content\":\"secret plan\"}"));

        assertThat(new String(bytes(sealed.getCiphertext()), StandardCharsets.ISO_8859_1))
                .doesNotContain("secret");
        assertThat(new String(opener.open("acme", event, sealed), StandardCharsets.UTF_8))
                .isEqualTo("{\"rendered_content\":\"secret plan\"}");
        assertThatThrownBy(() -> opener.open("acme", UUID.randomUUID(), sealed))
                .isInstanceOfSatisfying(
                        KeyUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo("wrong_key"));
        assertThatThrownBy(() -> new ContentOpener(keys, clock).open("globex", event, sealed))
                .isInstanceOfSatisfying(
                        KeyUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo("shredded"));
    }

    @Test
    void tamperedCiphertextIsRefusedNotDecryptedToGarbage() {
        var keys = new LocalKeyDirectory(keyDirectory);
        var sealer = new ContentSealer(keys, Duration.ofHours(1), clock);
        UUID event = UUID.randomUUID();
        SealedContent sealed = sealer.seal("acme", event, utf8("hello"));
        byte[] flipped = bytes(sealed.getCiphertext());
        flipped[0] ^= 1;
        sealed.setCiphertext(ByteBuffer.wrap(flipped));

        assertThatThrownBy(() -> new ContentOpener(keys, clock).open("acme", event, sealed))
                .isInstanceOfSatisfying(
                        KeyUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo("wrong_key"));
    }

    @Test
    void destroyingTheTenantsKeysMakesEveryCopyUnreadableAndTheNextSealUsesANewKey() {
        var keys = new LocalKeyDirectory(keyDirectory);
        var sealer = new ContentSealer(keys, Duration.ofHours(1), clock);
        var opener = new ContentOpener(keys, clock);
        UUID event = UUID.randomUUID();
        SealedContent before = sealer.seal("acme", event, utf8("before"));
        opener.open("acme", event, before);

        assertThat(keys.destroy("acme")).isEqualTo(1);
        clock.advance(ContentSealer.RECHECK);

        assertThatThrownBy(() -> opener.open("acme", event, before))
                .isInstanceOfSatisfying(
                        KeyUnavailableException.class,
                        e -> assertThat(e.reason()).isEqualTo("shredded"));
        SealedContent after = sealer.seal("acme", event, utf8("after"));
        assertThat(after.getKeyId()).isNotEqualTo(before.getKeyId());
        assertThat(new String(opener.open("acme", event, after), StandardCharsets.UTF_8))
                .isEqualTo("after");
    }

    @Test
    void rotationMakesNewKeysWhileOldEventsStayReadable() {
        var keys = new LocalKeyDirectory(keyDirectory);
        var sealer = new ContentSealer(keys, Duration.ofHours(1), clock);
        var opener = new ContentOpener(keys, clock);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();

        SealedContent old = sealer.seal("acme", first, utf8("old"));
        clock.advance(Duration.ofHours(1));
        SealedContent nextPeriod = sealer.seal("acme", second, utf8("next period"));
        assertThat(keys.rotate("acme")).isEqualTo(2);
        clock.advance(ContentSealer.RECHECK);
        SealedContent underNewKek =
                new ContentSealer(keys, Duration.ofHours(1), clock).seal("acme", third, utf8("new kek"));

        assertThat(nextPeriod.getKeyVersion()).isEqualTo(old.getKeyVersion() + 1);
        assertThat(nextPeriod.getKeyId()).isNotEqualTo(old.getKeyId());
        assertThat(underNewKek.getKekVersion()).isEqualTo(2);
        assertThat(new String(opener.open("acme", first, old), StandardCharsets.UTF_8))
                .isEqualTo("old");
        assertThat(new String(opener.open("acme", second, nextPeriod), StandardCharsets.UTF_8))
                .isEqualTo("next period");
        assertThat(new String(opener.open("acme", third, underNewKek), StandardCharsets.UTF_8))
                .isEqualTo("new kek");
    }

    @Test
    void keyFilesAreReadableByTheirOwnerOnly() throws Exception {
        var keys = new LocalKeyDirectory(keyDirectory.resolve("keys"));
        new ContentSealer(keys, Duration.ofHours(1), clock).seal("acme", UUID.randomUUID(), utf8("x"));

        try (Stream<Path> files = Files.walk(keyDirectory.resolve("keys"))) {
            for (Path path : files.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
                assertThat(mode).as(path.toString()).isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
            }
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        var view = buffer.duplicate();
        byte[] out = new byte[view.remaining()];
        view.get(out);
        return out;
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
