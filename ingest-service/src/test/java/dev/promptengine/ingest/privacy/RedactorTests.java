package dev.promptengine.ingest.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class RedactorTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Redactor redactor = new Redactor(properties(
            List.of(
                    new PrivacyProperties.CaptureModeRule("acme", "development", CaptureMode.FULL),
                    new PrivacyProperties.CaptureModeRule("*", "secure", CaptureMode.METADATA_ONLY),
                    new PrivacyProperties.CaptureModeRule("acme", "*", CaptureMode.REDACTED),
                    new PrivacyProperties.CaptureModeRule("*", "*", CaptureMode.FULL)),
            List.of(new PrivacyProperties.CustomRule("employee_id", "EMP-\\d{6}"))));

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            email        | Contact ada.lovelace+work@example.co.uk today      | Contact [REDACTED:email] today
            phone        | Call +44 20 7946 0958 now                        | Call [REDACTED:phone] now
            phone        | Call (415) 555-2671 now                          | Call [REDACTED:phone] now
            phone        | Call 415-555-2671 now                            | Call [REDACTED:phone] now
            payment_card | Card 4111 1111 1111 1111 on file                  | Card [REDACTED:payment_card] on file
            payment_card | Card 5500-0000-0000-0004 on file                  | Card [REDACTED:payment_card] on file
            payment_card | Card 378282246310005 on file                      | Card [REDACTED:payment_card] on file
            iban         | Pay to DE89 3704 0044 0532 0130 00 please         | Pay to [REDACTED:iban] please
            iban         | Pay to GB82WEST12345698765432 please              | Pay to [REDACTED:iban] please
            api_key      | key sk-proj-abcdefghijklmnopqrstuvwxyz012345 ok   | key [REDACTED:api_key] ok
            api_key      | aws AKIAIOSFODNN7EXAMPLE ok                       | aws [REDACTED:api_key] ok
            api_key      | gh ghp_abcdefghijklmnopqrstuvwxyz0123456789 ok    | gh [REDACTED:api_key] ok
            api_key      | slack xoxb-123456789012-abcdefghij ok             | slack [REDACTED:api_key] ok
            bearer_token | Authorization: Bearer abc123def456ghi789jkl ok    | Authorization: [REDACTED:bearer_token] ok
            jwt          | token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end | token [REDACTED:jwt] end
            secret_assignment | config password=hunter2hunter2 done           | config [REDACTED:secret_assignment] done
            employee_id  | Ask EMP-123456 about it                          | Ask [REDACTED:employee_id] about it
            """)
    void redactsWhatEachDetectorFinds(String rule, String text, String expected) {
        // Given
        var redaction = redactor.forEvent("acme", "production");

        // When
        String result = redaction.content(text);

        // Then
        assertThat(result).isEqualTo(expected);
        assertThat(redaction.counts()).isEqualTo(Map.of(rule, 1));
    }

    @Test
    void redactsAPrivateKeyBlock() {
        var redaction = redactor.forEvent("acme", "production");

        String result = redaction.content(
                "here: -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY----- end");

        assertThat(result).isEqualTo("here: [REDACTED:private_key] end");
        assertThat(redaction.counts()).isEqualTo(Map.of("private_key", 1));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a card number failing the Luhn check     | Order 4111 1111 1111 1112 shipped
            an IBAN failing mod 97                   | Ref DE89 3704 0044 0532 0130 01 noted
            a bare timestamp in milliseconds         | at 1764216000000 the job ran
            a date                                   | on 2026-11-27 we met
            a decimal number                         | pi is 3.14159265358979 roughly
            token counts                             | used 1200 input and 350 output tokens
            an at sign without a domain              | meet @ noon or ping @ada
            """)
    void leavesLookalikesAlone(String description, String text) {
        var redaction = redactor.forEvent("acme", "production");

        assertThat(redaction.content(text)).isEqualTo(text);
        assertThat(redaction.counts()).isEmpty();
    }

    @Test
    void countsEveryMatchButNeverKeepsTheValues() {
        var redaction = redactor.forEvent("acme", "production");

        redaction.content("a@example.com, b@example.com");
        redaction.content("c@example.com and card 4111111111111111");

        assertThat(redaction.counts()).isEqualTo(Map.of("email", 3, "payment_card", 1));
        assertThat(redaction.counts().toString()).doesNotContain("example.com", "4111");
    }

    @Test
    void picksTheMostSpecificCaptureModeForTenantAndEnvironment() {
        assertThat(redactor.captureMode("acme", "development")).isEqualTo(CaptureMode.FULL);
        assertThat(redactor.captureMode("acme", "secure")).isEqualTo(CaptureMode.REDACTED);
        assertThat(redactor.captureMode("globex", "secure")).isEqualTo(CaptureMode.METADATA_ONLY);
        assertThat(redactor.captureMode("acme", "production")).isEqualTo(CaptureMode.REDACTED);
        assertThat(redactor.captureMode("globex", "production")).isEqualTo(CaptureMode.FULL);
    }

    @Test
    void fullModeKeepsContentButStillDropsSensitiveParameterKeys() {
        var redaction = redactor.forEvent("acme", "development");

        String content = redaction.content("mail ada@example.com");
        ObjectNode parameters = redaction.parameters(
                object("{\"name\":\"ada@example.com\",\"Password\":\"x\",\"nested\":{\"api_key\":\"k\"}}"));

        assertThat(content).isEqualTo("mail ada@example.com");
        assertThat(parameters.toString()).isEqualTo("{\"name\":\"ada@example.com\",\"nested\":{}}");
        assertThat(redaction.counts()).isEqualTo(Map.of("dropped_key", 2));
    }

    @Test
    void redactedModeRedactsParameterValuesAndMetadata() {
        var redaction = redactor.forEvent("acme", "production");

        ObjectNode parameters =
                redaction.parameters(object("{\"contact\":[\"ada@example.com\"],\"token\":\"t\",\"n\":3}"));
        ObjectNode metadata = redaction.metadata(object("{\"caller\":\"EMP-000042\"}"));
        String error = redaction.annotation("401 for key sk-live-abcdefghijklmnopqrstuvwx");

        assertThat(parameters.toString()).isEqualTo("{\"contact\":[\"[REDACTED:email]\"],\"n\":3}");
        assertThat(metadata.toString()).isEqualTo("{\"caller\":\"[REDACTED:employee_id]\"}");
        assertThat(error).isEqualTo("401 for key [REDACTED:api_key]");
        assertThat(redaction.counts()).isEqualTo(Map.of("email", 1, "dropped_key", 1, "employee_id", 1, "api_key", 1));
    }

    @Test
    void metadataOnlyModeDropsAllContentButKeepsRedactedAnnotations() {
        var redaction = redactor.forEvent("globex", "secure");

        assertThat(redaction.mode()).isEqualTo(CaptureMode.METADATA_ONLY);
        assertThat(redaction.content("hello ada@example.com")).isNull();
        assertThat(redaction.parameters(object("{\"a\":1}"))).isNull();
        assertThat(redaction.annotation("timeout calling ada@example.com"))
                .isEqualTo("timeout calling [REDACTED:email]");
        assertThat(redaction.metadata(object("{\"app\":\"x\"}")).toString()).isEqualTo("{\"app\":\"x\"}");
    }

    @Test
    void refusesUnknownDetectorsAndInvalidRegexAtStartUp() {
        assertThatThrownBy(() -> new PrivacyProperties(CaptureMode.REDACTED, null, List.of("emial"), null, null))
                .hasMessageContaining("Unknown built-in detector 'emial'");
        assertThatThrownBy(() -> new PrivacyProperties.CustomRule("broken", "([a-z"))
                .hasMessageContaining("invalid regex");
    }

    @Test
    void defaultsAreTheSharedRulesTheClientsKafkaPathUses() {
        var defaults = new org.springframework.boot.context.properties.bind.Binder(
                        new org.springframework.boot.context.properties.source.MapConfigurationPropertySource())
                .bindOrCreate("promptengine.ingest.privacy", PrivacyProperties.class);

        assertThat(defaults.detectors())
                .containsExactlyElementsOf(dev.promptengine.schemas.privacy.TextRedactor.builtInDetectors());
        assertThat(defaults.droppedParameterKeys())
                .containsExactlyElementsOf(dev.promptengine.schemas.privacy.TextRedactor.DEFAULT_DROPPED_KEYS);
    }

    private static PrivacyProperties properties(
            List<PrivacyProperties.CaptureModeRule> modes, List<PrivacyProperties.CustomRule> rules) {
        return new PrivacyProperties(
                CaptureMode.REDACTED,
                modes,
                dev.promptengine.schemas.privacy.TextRedactor.builtInDetectors(),
                rules,
                List.of("password", "api_key", "token"));
    }

    private static ObjectNode object(String json) {
        return (ObjectNode) JSON.readTree(json);
    }
}
