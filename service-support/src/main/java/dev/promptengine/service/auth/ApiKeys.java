package dev.promptengine.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Looks up the caller for a presented key by its SHA-256 hash; raw keys are never stored. Keys from
 * configuration ({@code promptengine.auth.keys}) are the bootstrap and always apply; keys managed at
 * run time come from the {@link ApiKeyDirectory} and apply while not revoked or expired at the
 * moment of the request.
 */
public final class ApiKeys {

    private final Map<String, Caller> configured;
    private final ApiKeyDirectory managed;
    private final Clock clock;

    /** Keys from configuration only. */
    public ApiKeys(AuthProperties properties) {
        this(properties, new ApiKeyDirectory(), Clock.systemUTC());
    }

    ApiKeys(AuthProperties properties, ApiKeyDirectory managed, Clock clock) {
        this.configured = properties.keys().stream()
                .collect(Collectors.toUnmodifiableMap(
                        key -> key.sha256().toLowerCase(Locale.ROOT),
                        key -> new Caller(key.name(), key.tenant(), key.role()),
                        (a, b) -> {
                            throw new IllegalStateException(
                                    "API keys " + a.keyName() + " and " + b.keyName() + " have the same hash");
                        }));
        this.managed = managed;
        this.clock = clock;
    }

    public Optional<Caller> find(String presentedKey) {
        String hash = sha256Hex(presentedKey);
        var caller = configured.get(hash);
        return caller != null ? Optional.of(caller) : managed.find(hash, clock.instant());
    }

    /** Whether there are no keys from configuration (managed keys may still arrive). */
    public boolean isEmpty() {
        return configured.isEmpty();
    }

    public static String sha256Hex(String value) {
        try {
            var digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
