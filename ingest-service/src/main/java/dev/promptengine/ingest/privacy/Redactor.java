package dev.promptengine.ingest.privacy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * Applies the configured privacy rules to one event at a time. {@link #forEvent} picks the capture
 * mode for the tenant and environment and returns a {@link Redaction} that the event's content
 * fields pass through.
 */
@Component
public class Redactor {

    private final CaptureMode defaultMode;
    private final List<PrivacyProperties.CaptureModeRule> modeRules;
    private final List<Detector> detectors;
    private final Set<String> droppedKeys;

    public Redactor(PrivacyProperties properties) {
        this.defaultMode = properties.defaultCaptureMode();
        this.modeRules = properties.captureModes().stream()
                .sorted(Comparator.comparingInt(PrivacyProperties.CaptureModeRule::specificity)
                        .reversed())
                .toList();
        var all = new ArrayList<Detector>();
        properties.detectors().forEach(name -> all.add(BuiltInDetectors.named(name)));
        properties.customRules().forEach(rule -> all.add(Detector.custom(rule.name(), rule.pattern())));
        this.detectors = List.copyOf(all);
        this.droppedKeys = properties.droppedParameterKeys().stream()
                .map(key -> key.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
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
        String result = text;
        var facts = new TextFacts(text);
        for (Detector detector : detectors) {
            String redacted = detector.redact(result, facts, counts);
            if (redacted != result) {
                result = redacted;
                facts = new TextFacts(redacted);
            }
        }
        return result;
    }

    boolean isDropped(String key) {
        return droppedKeys.contains(key.toLowerCase(Locale.ROOT));
    }
}
