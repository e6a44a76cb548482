package dev.promptengine.service.auth;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * API keys, stored only as SHA-256 hashes: {@code promptengine.auth.keys[n].sha256|tenant|role|name}.
 * Set them in {@code application.yml}, an external config file or environment variables
 * ({@code PROMPTENGINE_AUTH_KEYS_0_SHA256=...}); no rebuild needed. Hash a key with
 * {@code printf %s "$KEY" | sha256sum}. These are the bootstrap keys; keys managed at run time
 * ({@code /v1/admin/keys} on analytics-service) reach every service through the API key topic
 * ({@code promptengine.auth.directory.enabled}, default true; {@code startup-wait}, default 10 s,
 * how long a start waits to have read it).
 */
@Validated
@ConfigurationProperties("promptengine.auth")
public record AuthProperties(
        @Valid List<Key> keys, @Valid @NotNull @DefaultValue Directory directory) {

    public AuthProperties {
        keys = keys == null ? List.of() : List.copyOf(keys);
        directory = directory == null ? new Directory(true, Duration.ofSeconds(10)) : directory;
    }

    public record Key(
            @NotBlank String name,
            @NotBlank String tenant,
            @NotNull Role role,

            @NotBlank @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be a SHA-256 hash in hex")
            String sha256) {}

    /** The directory of managed keys, read from {@code promptengine.apikeys.v1}. */
    public record Directory(
            @DefaultValue("true") boolean enabled,
            @NotNull @DefaultValue("10s") Duration startupWait) {}
}
