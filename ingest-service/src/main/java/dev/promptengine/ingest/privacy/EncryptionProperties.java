package dev.promptengine.ingest.privacy;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code promptengine.privacy.encryption}: whether content is sealed before it leaves ingest, where
 * the key-encryption keys live (the same directory analytics-service opens content with), how often
 * a tenant's data key rotates, and whether the free-form metadata objects are sealed too.
 */
@Validated
@ConfigurationProperties("promptengine.privacy.encryption")
public record EncryptionProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue(".promptengine/keys") @NotNull Path keyDirectory,
        @DefaultValue("1d") @NotNull Duration rotation,
        @DefaultValue("false") boolean sealMetadata) {}
