package dev.promptengine.ingest.privacy;

import dev.promptengine.schemas.privacy.RedactionCounts;
import dev.promptengine.schemas.privacy.TextRedactor;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Applies the configured privacy rules to one event at a time. {@link #forEvent} picks the capture
 * mode for the tenant and environment and returns a {@link Redaction} that the event's content
 * fields pass through. The text rules themselves are {@code schemas}' {@link TextRedactor}, shared
 * with the JVM client's direct Kafka path.
 */
@Component
public class Redactor {

    private final CaptureMode defaultMode;
    private final List<PrivacyProperties.CaptureModeRule> modeRules;
    private final TextRedactor text;

    public Redactor(PrivacyProperties properties) {
        this.defaultMode = properties.defaultCaptureMode();
        this.modeRules = properties.captureModes().stream()
                .sorted(Comparator.comparingInt(PrivacyProperties.CaptureModeRule::specificity)
                        .reversed())
                .toList();
        var customRules = new LinkedHashMap<String, String>();
        properties.customRules().forEach(rule -> customRules.put(rule.name(), rule.pattern()));
        this.text = new TextRedactor(properties.detectors(), customRules, properties.droppedParameterKeys());
    }

    public CaptureMode captureMode(String tenant, String environment) {
        for (var rule : modeRules) {
            if (rule.matches(tenant, environment)) {
                return rule.mode();
            }
        }
        return defaultMode;
    }

    public Redaction forEvent(String tenant, String environment) {
        return new Redaction(captureMode(tenant, environment), this);
    }

    String redact(String text, RedactionCounts counts) {
        return this.text.redact(text, counts);
    }

    boolean isDropped(String key) {
        return text.isDropped(key);
    }
}
