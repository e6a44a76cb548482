package dev.promptengine.ingest.intake;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the fields of one JSON object strictly (no coercion: {@code "3"} is not a number) and records
 * a {@link Violation} for each bad field instead of stopping at the first. A JSON {@code null} counts
 * as absent.
 */
final class FieldReader {

    private final ObjectNode node;
    private final String prefix;
    private final Integer index;
    private final List<Violation> violations;

    FieldReader(ObjectNode node, String prefix, Integer index, List<Violation> violations) {
        this.node = node;
        this.prefix = prefix;
        this.index = index;
        this.violations = violations;
    }

    void rejectUnknownFields(Set<String> known) {
        for (String name : node.propertyNames()) {
            if (!known.contains(name)) {
                reject(
                        name,
                        name.equals("tenant")
                                ? "must not be sent: the tenant comes from the API key"
                                : "is not a known field");
            }
        }
    }

    void reject(String field, String reason) {
        violations.add(new Violation(index, prefix + field, reason));
    }

    boolean isPresent(String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    String requiredString(String field, int maxLength) {
        if (!isPresent(field)) {
            reject(field, "is required");
            return null;
        }
        String value = optionalString(field, maxLength);
        if (value != null && value.isBlank()) {
            reject(field, "must not be blank");
            return null;
        }
        return value;
    }

    String optionalString(String field, int maxLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            reject(field, "must be a string");
            return null;
        }
        String text = value.stringValue();
        if (text.length() > maxLength) {
            reject(field, "must be at most " + maxLength + " characters");
            return null;
        }
        String unstorable = unstorable(text);
        if (unstorable != null) {
            reject(field, unstorable);
            return null;
        }
        return text;
    }

    /**
     * Why PostgreSQL could not store this text as {@code text} or {@code jsonb}, or null: the NUL
     * character, or a UTF-16 surrogate without its partner (a lone {@code \ud800} escape), which has
     * no UTF-8 form.
     */
    static String unstorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "must not contain the NUL character (U+0000) at position " + i;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must not contain an unpaired UTF-16 surrogate (U+"
                        + Integer.toHexString(c).toUpperCase() + ") at position " + i;
            }
        }
        return null;
    }

    UUID uuid(String field, boolean required) {
        if (!isPresent(field)) {
            if (required) {
                reject(field, "is required");
            }
            return null;
        }
        JsonNode value = node.get(field);
        if (!value.isString() || !isUuidText(value.stringValue())) {
            reject(field, "must be a UUID such as 0b6f1c52-3f0a-4e8e-9a57-1f2d3c4b5a69");
            return null;
        }
        return UUID.fromString(value.stringValue());
    }

    /** The 8-4-4-4-12 hex digit form (either case), the only one accepted. */
    static boolean isUuidText(String text) {
        if (text.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = text.charAt(i);
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23
                    ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    Integer integer(String field, boolean required, long min, long max) {
        Long value = longValue(field, required, min, max);
        return value == null ? null : value.intValue();
    }

    Long longValue(String field, boolean required, long min, long max) {
        if (!isPresent(field)) {
            if (required) {
                reject(field, "is required");
            }
            return null;
        }
        JsonNode value = node.get(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            reject(field, "must be an integer");
            return null;
        }
        long number = value.longValue();
        if (number < min) {
            reject(field, "must be >= " + min);
            return null;
        }
        if (number > max) {
            reject(field, "must be <= " + max);
            return null;
        }
        return number;
    }

    Double decimal(String field, double min, double max) {
        if (!isPresent(field)) {
            return null;
        }
        JsonNode value = node.get(field);
        if (!value.isNumber()) {
            reject(field, "must be a number");
            return null;
        }
        double number = value.doubleValue();
        if (!(number >= min && number <= max)) {
            reject(field, "must be between " + min + " and " + max);
            return null;
        }
        return number;
    }

    /**
     * An exact USD amount: a JSON string of decimal digits (exact, any precision up to {@code maxScale}
     * fractional digits) or a JSON number (exact up to about 15 significant digits, as JSON numbers are
     * parsed as binary doubles).
     */
    java.math.BigDecimal money(String field, java.math.BigDecimal max, int maxScale) {
        if (!isPresent(field)) {
            return null;
        }
        return money(field, node.get(field), max, maxScale);
    }

    java.math.BigDecimal money(String field, JsonNode value, java.math.BigDecimal max, int maxScale) {
        java.math.BigDecimal amount;
        if (value.isString()) {
            try {
                amount = new java.math.BigDecimal(value.stringValue().trim());
            } catch (NumberFormatException e) {
                reject(field, "must be a decimal number of USD, such as \"0.00123\"");
                return null;
            }
        } else if (value.isNumber()) {
            amount = value.decimalValue();
        } else {
            reject(field, "must be a decimal number of USD (a string such as \"0.00123\" keeps every digit)");
            return null;
        }
        if (amount.signum() < 0) {
            reject(field, "must be >= 0");
            return null;
        }
        if (amount.compareTo(max) > 0) {
            reject(field, "must be <= " + max.toPlainString());
            return null;
        }
        if (amount.stripTrailingZeros().scale() > maxScale) {
            reject(field, "has more than " + maxScale + " fractional digits");
            return null;
        }
        return amount.stripTrailingZeros().scale() < 0 ? amount.setScale(0) : amount.stripTrailingZeros();
    }

    Instant timestamp(String field) {
        if (!isPresent(field)) {
            return null;
        }
        JsonNode value = node.get(field);
        if (value.isString()) {
            try {
                return Timestamps.parse(value.stringValue());
            } catch (DateTimeParseException e) {
                // fall through to the violation
            }
        }
        reject(field, "must be an ISO-8601 timestamp with offset, such as 2026-11-27T10:15:30Z");
        return null;
    }

    JsonObject object(String field, int maxLength) {
        if (!isPresent(field)) {
            return null;
        }
        JsonNode value = node.get(field);
        if (!value.isObject()) {
            reject(field, "must be a JSON object");
            return null;
        }
        int before = violations.size();
        checkStorable(value, path(field));
        if (violations.size() > before) {
            return null;
        }
        String json = value.toString();
        if (json.length() > maxLength) {
            reject(field, "must be at most " + maxLength + " characters as JSON");
            return null;
        }
        return new JsonObject((ObjectNode) value, json);
    }

    /**
     * Rejects what PostgreSQL's {@code jsonb} cannot hold, at any depth and in keys as well as values:
     * unstorable text, and numbers beyond a double's range ({@code 1e1000000} reads as infinity and
     * would be written back as a string or not at all).
     */
    private void checkStorable(JsonNode value, String path) {
        if (value.isObject()) {
            for (var entry : value.properties()) {
                String key = entry.getKey();
                String childPath = path + "." + key;
                String unstorable = unstorable(key);
                if (unstorable != null) {
                    violations.add(new Violation(index, childPath, "key " + unstorable));
                    continue;
                }
                checkStorable(entry.getValue(), childPath);
            }
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                checkStorable(value.get(i), path + "[" + i + "]");
            }
        } else if (value.isString()) {
            String unstorable = unstorable(value.stringValue());
            if (unstorable != null) {
                violations.add(new Violation(index, path, unstorable));
            }
        } else if (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
            violations.add(new Violation(
                    index, path, "must be a number within ±1.7976931348623157E308 (PostgreSQL jsonb cannot store it)"));
        }
    }

    JsonNode raw(String field) {
        return node.get(field);
    }

    String path(String field) {
        return prefix + field;
    }

    Integer index() {
        return index;
    }

    List<Violation> violations() {
        return violations;
    }
}
