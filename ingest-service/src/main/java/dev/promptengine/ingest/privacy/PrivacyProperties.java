package dev.promptengine.ingest.privacy;

import dev.promptengine.schemas.privacy.TextRedactor;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code promptengine.ingest.privacy}: which built-in detectors run, custom regex rules, parameter
 * keys that are always dropped, and the capture mode per tenant and environment (the most specific
 * matching rule wins; {@code default-capture-mode} otherwise).
 */
@Validated
@ConfigurationProperties("promptengine.ingest.privacy")
public record PrivacyProperties(
        @DefaultValue("REDACTED") @NotNull CaptureMode defaultCaptureMode,
        @Valid List<CaptureModeRule> captureModes,

        List<String> detectors,

        @Valid List<CustomRule> customRules,

        List<String> droppedParameterKeys) {

    public PrivacyProperties {
        captureModes = captureModes == null ? List.of() : List.copyOf(captureModes);
        // unset: the shared rules the client's Kafka path applies too (schemas' TextRedactor)
        detectors = detectors == null ? TextRedactor.builtInDetectors() : List.copyOf(detectors);
        customRules = customRules == null ? List.of() : List.copyOf(customRules);
        droppedParameterKeys =
                droppedParameterKeys == null ? TextRedactor.DEFAULT_DROPPED_KEYS : List.copyOf(droppedParameterKeys);
        detectors.forEach(TextRedactor::requireBuiltIn); // fail at start-up on a typo
    }

    /** The capture mode for a tenant ({@code *} = any) and environment ({@code *} = any). */
    public record CaptureModeRule(
            @DefaultValue("*") @NotBlank String tenant,
            @DefaultValue("*") @NotBlank String environment,
            @NotNull CaptureMode mode) {

        boolean matches(String tenant, String environment) {
            return (this.tenant.equals("*") || this.tenant.equals(tenant))
                    && (this.environment.equals("*") || this.environment.equals(environment));
        }

        int specificity() {
            return (tenant.equals("*") ? 0 : 2) + (environment.equals("*") ? 0 : 1);
        }
    }

    /** A custom rule: matches of {@code pattern} are replaced by {@code [REDACTED:<name>]}. */
    public record CustomRule(
            @NotBlank @jakarta.validation.constraints.Pattern(regexp = "[a-z0-9_]+")
            String name,

            @NotBlank String pattern) {

        public CustomRule {
            if (pattern != null) {
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException(
                            "promptengine.ingest.privacy.custom-rules '" + name + "': invalid regex: " + e.getMessage(),
                            e);
                }
            }
        }
    }
}
