package dev.promptengine.ingest.intake;

import dev.promptengine.events.CaptureMode;
import dev.promptengine.events.ExecutionStatus;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.Message;
import dev.promptengine.events.PromptUsage;
import dev.promptengine.ingest.privacy.Redaction;
import dev.promptengine.ingest.privacy.Redactor;
import dev.promptengine.ingest.privacy.Sealing;
import dev.promptengine.schemas.Topics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.stereotype.Component;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the Kafka records of a request: the caller's tenant and the receive time stamped on every
 * event, the privacy rules applied and the content sealed (when encryption is on), keyed by usage id. The generated Avro classes stay here, at the
 * edge.
 */
@Component
class EventAssembler {

    private final Redactor redactor;
    private final Sealing sealing;

    EventAssembler(Redactor redactor, Sealing sealing) {
        this.redactor = redactor;
        this.sealing = sealing;
    }

    List<ProducerRecord<String, SpecificRecord>> records(EventReader.Events events, String tenant, Instant receivedAt) {
        var records = new ArrayList<ProducerRecord<String, SpecificRecord>>(events.size());
        for (UsageEvent usage : events.usages()) {
            PromptUsage value = sealing.seal(usage(usage, tenant, receivedAt));
            records.add(new ProducerRecord<>(Topics.USAGE.name(), usage.id().toString(), value));
        }
        for (ExecutionEvent execution : events.executions()) {
            LlmExecution value = sealing.seal(execution(execution, tenant, receivedAt));
            records.add(new ProducerRecord<>(
                    Topics.EXECUTION.name(), execution.usageId().toString(), value));
        }
        return records;
    }

    PromptUsage usage(UsageEvent usage, String tenant, Instant receivedAt) {
        Redaction redaction = redactor.forEvent(tenant, usage.environment());
        return PromptUsage.newBuilder()
                .setId(usage.id())
                .setTenant(tenant)
                .setOccurredAt(usage.occurredAt())
                .setReceivedAt(receivedAt)
                .setPromptId(usage.promptId())
                .setPromptSlug(usage.promptSlug())
                .setPromptVersion(usage.promptVersion())
                .setEnvironment(usage.environment())
                .setSessionId(usage.sessionId())
                .setUserIdentifier(usage.userIdentifier())
                .setParameters(json(usage.parameters(), redaction::parameters))
                .setRenderedContent(redaction.content(usage.renderedContent()))
                .setRenderedSystemMessage(redaction.content(usage.renderedSystemMessage()))
                .setMetadata(json(usage.metadata(), redaction::metadata))
                .setCaptureMode(CaptureMode.valueOf(redaction.mode().name()))
                .setRedactions(redaction.counts())
                .build();
    }

    LlmExecution execution(ExecutionEvent execution, String tenant, Instant receivedAt) {
        Redaction redaction = redactor.forEvent(tenant, execution.environment());
        var messages = new ArrayList<Message>(execution.messages().size());
        for (var message : execution.messages()) {
            messages.add(new Message(message.role(), redaction.content(message.content())));
        }
        return LlmExecution.newBuilder()
                .setId(execution.id())
                .setUsageId(execution.usageId())
                .setTenant(tenant)
                .setOccurredAt(execution.occurredAt())
                .setReceivedAt(receivedAt)
                .setPromptSlug(execution.promptSlug())
                .setPromptVersion(execution.promptVersion())
                .setEnvironment(execution.environment())
                .setSessionId(execution.sessionId())
                .setUserIdentifier(execution.userIdentifier())
                .setProvider(execution.provider())
                .setModel(execution.model())
                .setTemperature(execution.temperature())
                .setMaxTokens(execution.maxTokens())
                .setMessages(messages)
                .setResponseContent(redaction.content(execution.responseContent()))
                .setInputTokens(execution.inputTokens())
                .setOutputTokens(execution.outputTokens())
                .setTotalTokens(execution.totalTokens())
                .setCachedInputTokens(execution.cachedInputTokens())
                .setCacheWriteTokens(execution.cacheWriteTokens())
                .setReasoningTokens(execution.reasoningTokens())
                .setExecutionTimeMs(execution.executionTimeMs())
                .setStatus(ExecutionStatus.valueOf(execution.status().name()))
                .setErrorMessage(redaction.annotation(execution.errorMessage()))
                .setResponseMetadata(json(execution.responseMetadata(), redaction::metadata))
                .setProviderCost(
                        execution.providerCost() == null
                                ? null
                                : dev.promptengine.schemas.Money.toEventScale(execution.providerCost()))
                .setCaptureMode(CaptureMode.valueOf(redaction.mode().name()))
                .setRedactions(redaction.counts())
                .build();
    }

    /** The object after the privacy rules, as JSON text; null when absent or dropped. */
    private static String json(JsonObject object, UnaryOperator<ObjectNode> rules) {
        return object == null ? null : object.jsonOf(rules.apply(object.node()));
    }
}
