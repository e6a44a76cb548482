package dev.promptengine.ingest.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast paths for timestamps and UUIDs accept and reject exactly what the JDK parsers do. */
class TimestampsTests {

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2026-11-27T10:15:30Z",
                "2026-11-27T10:15:30.1Z",
                "2026-11-27T10:15:30.123Z",
                "2026-11-27T10:15:30.123456789Z",
                "2026-11-27T10:15Z",
                "2026-11-27T10:15:30+01:00",
                "2026-11-27T10:15:30.5-05:30",
                "2026-11-27T23:59:59.999999999-17:59",
                "2026-11-27T00:00:00-00:00",
                "2024-02-29T12:00:00Z",
                "0000-01-01T00:00:00Z",
                "9999-12-31T23:59:59+18:00",
                "1969-12-31T23:59:59.000000001Z",
                "2026-11-27t10:15:30z",
                "2026-11-27T10:15:30+01",
                "2026-11-27T10:15:30+01:00:30",
                "+12026-11-27T10:15:30Z"
            })
    void givenAValidTimestampWhenParsedThenTheInstantIsTheJdksOne(String text) {
        // When
        Instant parsed = Timestamps.parse(text);

        // Then
        assertThat(parsed).isEqualTo(OffsetDateTime.parse(text).toInstant());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "2026-11-27",
                "2026-11-27T10:15:30",
                "2026-13-27T10:15:30Z",
                "2026-02-29T10:15:30Z",
                "2026-11-31T10:15:30Z",
                "2026-11-27T24:00:00Z",
                "2026-11-27T10:60:00Z",
                "2026-11-27T10:15:60Z",
                "2026-11-27T10:15:30.1234567891Z",
                "2026-11-27T10:15:30+19:00",
                "2026-11-27T10:15:30+01:60",
                "2026-11-27T10:15:30+0100",
                "2026-11-27 10:15:30Z",
                "2026-11-27T10:15:30ZZ",
                "2026-1-27T10:15:30Z",
                "yesterday",
                "2026-11-27T10:15:30.Z"
            })
    void givenAnInvalidTimestampWhenParsedThenItIsRejectedLikeTheJdkDoes(String text) {
        // Given
        boolean jdkAccepts;
        try {
            OffsetDateTime.parse(text);
            jdkAccepts = true;
        } catch (DateTimeParseException e) {
            jdkAccepts = false;
        }

        // When / Then
        if (jdkAccepts) {
            assertThat(Timestamps.parse(text))
                    .isEqualTo(OffsetDateTime.parse(text).toInstant());
        } else {
            assertThatThrownBy(() -> Timestamps.parse(text)).isInstanceOf(DateTimeParseException.class);
        }
    }

    @Test
    void givenRandomTimestampTextsWhenParsedThenTheFastPathAgreesWithTheJdk() {
        // Given: valid timestamps and single-character mutations of them
        var random = new SplittableRandom(7);
        String alphabet = "0123456789-+:.TZtz x";
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            long second = random.nextLong(-62_000_000_000L, 253_000_000_000L);
            int nano = random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000_000);
            int offset = (random.nextInt(-18 * 4, 18 * 4 + 1)) * 15 * 60;
            String text = Instant.ofEpochSecond(second, nano)
                    .atOffset(java.time.ZoneOffset.ofTotalSeconds(offset))
                    .toString();
            texts.add(text);
            char[] chars = text.toCharArray();
            chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            texts.add(new String(chars));
        }

        // When / Then
        for (String text : texts) {
            Instant expected;
            try {
                expected = OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                expected = null;
            }
            Instant fast = Timestamps.parseCommon(text);
            if (fast != null) {
                assertThat(fast).as(text).isEqualTo(expected);
            }
            if (expected == null) {
                assertThatThrownBy(() -> Timestamps.parse(text)).as(text).isInstanceOf(DateTimeParseException.class);
            } else {
                assertThat(Timestamps.parse(text)).as(text).isEqualTo(expected);
            }
        }
    }

    @Test
    void givenRandomTextsWhenCheckedAsUuidsThenTheCheckAgreesWithTheRegex() {
        // Given
        var random = new SplittableRandom(11);
        String alphabet = "0123456789abcdefABCDEFgG-xZ ";
        List<String> texts = new ArrayList<>(List.of("", "0b6f1c52-3f0a-4e8e-9a57-1f2d3c4b5a69"));
        for (int i = 0; i < 20_000; i++) {
            char[] chars = new java.util.UUID(random.nextLong(), random.nextLong())
                    .toString()
                    .toCharArray();
            if (random.nextBoolean()) {
                chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String text = new String(chars);
            texts.add(random.nextInt(10) == 0 ? text + "0" : random.nextInt(10) == 0 ? text.substring(1) : text);
        }

        // When / Then
        for (String text : texts) {
            assertThat(FieldReader.isUuidText(text))
                    .as(text)
                    .isEqualTo(UUID_TEXT.matcher(text).matches());
        }
    }
}
