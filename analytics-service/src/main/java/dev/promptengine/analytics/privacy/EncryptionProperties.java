package dev.promptengine.analytics.privacy;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code promptengine.privacy.encryption.key-directory}: the key-encryption keys ingest-service
 * seals with (the same directory). analytics opens whatever arrives sealed, whether or not its own
 * instance would seal, so it has no {@code enabled} switch.
 */
@Validated
@ConfigurationProperties("promptengine.privacy.encryption")
public record EncryptionProperties(
        @DefaultValue(".promptengine/keys") @NotNull Path keyDirectory) {}
