package dev.promptengine.client;

import dev.promptengine.schemas.privacy.RedactionCounts;
import dev.promptengine.schemas.privacy.TextRedactor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ingest-service's privacy rules for the direct Kafka path: the shared {@link TextRedactor} and the
 * capture mode, applied field by field exactly as ingest does (content, annotations such as error
 * messages, parameters, metadata objects). One {@link Applied} per event collects the counts.
 */
final class Privacy {

    private final CaptureMode mode;
    private final TextRedactor text;

    Privacy(CaptureMode mode, TextRedactor text) {
        this.mode = mode;
        this.text = text;
    }

    Applied forEvent() {
        return new Applied();
    }

    final class Applied {
        private final RedactionCounts counts = new RedactionCounts();

        CaptureMode mode() {
            return mode;
        }

        /** Prompt or response content: verbatim, redacted, or gone in METADATA_ONLY. */
        String content(String value) {
            if (value == null || mode == CaptureMode.METADATA_ONLY) {
                return null;
            }
            return mode == CaptureMode.FULL ? value : text.redact(value, counts);
        }

        /** Text about the call (error messages): kept in every mode, redacted unless FULL. */
        String annotation(String value) {
            if (value == null || mode == CaptureMode.FULL) {
                return value;
            }
            return text.redact(value, counts);
        }

        /** Template parameters as JSON text: gone in METADATA_ONLY; always without the dropped keys. */
        String parameters(Map<String, ?> parameters) {
            if (parameters == null || mode == CaptureMode.METADATA_ONLY) {
                return null;
            }
            return Json.object(clean(parameters));
        }

        /** Metadata objects as JSON text: kept in every mode, without the dropped keys, strings redacted unless FULL. */
        String metadata(Map<String, ?> metadata) {
            return metadata == null ? null : Json.object(clean(metadata));
        }

        Map<String, Integer> counts() {
            return counts.asMap();
        }

        private Map<String, ?> clean(Map<String, ?> map) {
            var copy = new LinkedHashMap<String, Object>();
            map.forEach((key, value) -> {
                if (text.isDropped(String.valueOf(key))) {
                    counts.add(TextRedactor.DROPPED_KEY, 1);
                } else {
                    copy.put(key, cleanValue(value));
                }
            });
            return copy;
        }

        private Object cleanValue(Object value) {
            if (value instanceof Map<?, ?> map) {
                var typed = new LinkedHashMap<String, Object>();
                map.forEach((key, element) -> typed.put(String.valueOf(key), element));
                return clean(typed);
            }
            if (value instanceof Iterable<?> iterable) {
                List<Object> copy = new ArrayList<>();
                iterable.forEach(element -> copy.add(cleanValue(element)));
                return copy;
            }
            if (value instanceof Object[] array) {
                return cleanValue(java.util.Arrays.asList(array));
            }
            if (value instanceof String string && mode != CaptureMode.FULL) {
                return text.redact(string, counts);
            }
            return value;
        }
    }
}
