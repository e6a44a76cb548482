package dev.promptengine.schemas;

import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro 1.12 refuses to load classes for schemas unless they are trusted. The generated event
 * classes need it (for example when a builder fills an enum default), so this trusts the events
 * package once per JVM. {@link Topics} and the serdes call it from their static initialisers, so
 * any code that names a topic or creates a serde is covered.
 */
public final class EventTypes {

    public static final String EVENTS_PACKAGE = "dev.promptengine.events";

    private static volatile boolean trusted;

    public static synchronized void trust() {
        if (trusted) {
            return;
        }
        var previous = ClassSecurityValidator.getGlobal();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                previous, type -> type.getName().startsWith(EVENTS_PACKAGE + ".")));
        trusted = true;
    }

    private EventTypes() {}
}
