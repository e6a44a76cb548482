package dev.promptengine.deploy;

/**
 * The launchers take passwords from their environment only (a command line is visible in
 * {@code ps}); {@code bin/promptengine} sets them from {@code .promptengine/credentials.env}.
 */
public final class Credentials {

    public static String required(String variable) {
        String value = System.getenv(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(
                    variable + " is not set; bin/promptengine up sets it from .promptengine/credentials.env");
        }
        return value;
    }

    private Credentials() {}
}
