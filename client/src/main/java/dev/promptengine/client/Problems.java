package dev.promptengine.client;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Logs each kind of problem (rejection, misconfiguration) once, so a broken pipeline cannot flood the host's log. */
final class Problems {

    private static final System.Logger log = System.getLogger(PromptEngine.class.getName());

    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    void once(String kind, String message) {
        if (logged.add(kind)) {
            log.log(System.Logger.Level.WARNING, message + " (further problems of this kind are counted, not logged)");
        }
    }

    static void info(String message) {
        log.log(System.Logger.Level.INFO, message);
    }

    static void warn(String message) {
        log.log(System.Logger.Level.WARNING, message);
    }
}
