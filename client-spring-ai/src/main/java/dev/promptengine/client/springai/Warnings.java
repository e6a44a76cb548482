package dev.promptengine.client.springai;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Logs a problem once per kind (WARNING, through {@link System.Logger}), as the client does. */
final class Warnings {

    private static final System.Logger LOG = System.getLogger("dev.promptengine.client.springai");

    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    void once(String kind, String message) {
        if (seen.size() < 1000 && seen.add(kind)) {
            LOG.log(System.Logger.Level.WARNING, message);
        }
    }
}
