package dev.promptengine.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Looks up the caller for a presented key by its SHA-256 hash; raw keys are never stored. */
public final class ApiKeys {

    private final Map<String, Caller> byHash;

    public ApiKeys(AuthProperties properties) {
        this.byHash = properties.keys().stream()
                .collect(Collectors.toUnmodifiableMap(
                        key -> key.sha256().toLowerCase(Locale.ROOT),
                        key -> new Caller(key.name(), key.tenant(), key.role()),
                        (a, b) -> {
                            throw new IllegalStateException(
                                    "API keys " + a.keyName() + " and " + b.keyName() + " have the same hash");
                        }));
    }

    public Optional<Caller> find(String presentedKey) {
        return Optional.ofNullable(byHash.get(sha256Hex(presentedKey)));
    }

    public boolean isEmpty() {
        return byHash.isEmpty();
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
