package dev.promptengine.schemas;

/**
 * JSON string literals (RFC 8259) for the modules that write JSON without a JSON library: the JVM
 * client's request bodies and the sealed-content plaintext. Quote, backslash and control characters
 * are escaped; everything else is written as is.
 */
public final class JsonStrings {

    private JsonStrings() {}

    /** Appends {@code value} (not null) as a quoted JSON string. */
    public static void append(StringBuilder text, String value) {
        text.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    if (c < 0x20) {
                        text.append(String.format("\\u%04x", (int) c));
                    } else {
                        text.append(c);
                    }
                }
            }
        }
        text.append('"');
    }
}
