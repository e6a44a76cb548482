package dev.promptengine.ingest.privacy;

import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.schemas.sealing.ContentSealer;
import dev.promptengine.schemas.sealing.EventSealer;
import dev.promptengine.schemas.sealing.LocalKeyDirectory;
import java.time.Clock;
import org.springframework.stereotype.Component;

/**
 * Seals an event's content fields ({@link EventSealer}: what is sealed and the plaintext, shared
 * with the JVM client's direct-Kafka path) under the tenant's data key when
 * {@code promptengine.privacy.encryption.enabled}; otherwise passes it through. ids, tenant,
 * prompt identity, tokens, latency, status and cost stay in clear, so cost-service prices and
 * analytics aggregates without any key.
 */
@Component
public class Sealing {

    private final EventSealer sealer;

    Sealing(EncryptionProperties properties, Clock clock) {
        this.sealer = properties.enabled()
                ? new EventSealer(
                        new ContentSealer(
                                new LocalKeyDirectory(properties.keyDirectory()), properties.rotation(), clock),
                        properties.sealMetadata())
                : null;
    }

    public PromptUsage seal(PromptUsage usage) {
        return sealer == null ? usage : sealer.seal(usage);
    }

    public LlmExecution seal(LlmExecution execution) {
        return sealer == null ? execution : sealer.seal(execution);
    }
}
