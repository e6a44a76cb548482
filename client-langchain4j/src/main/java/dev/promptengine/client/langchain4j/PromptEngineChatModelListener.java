package dev.promptengine.client.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.promptengine.client.Execution;
import dev.promptengine.client.PromptEngine;
import dev.promptengine.client.Status;
import dev.promptengine.client.Usage;
import dev.promptengine.client.langchain4j.PromptEngineLangChain4j.Prompt;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Records every chat call of the LangChain4j models it is registered on, blocking and streaming:
 * {@link #onRequest} records a usage of the current prompt (the {@linkplain PromptEngineLangChain4j#prompt
 * scope} on the calling thread, else the default) and keeps it with the start time in the call's
 * listener attributes; {@link #onResponse} and {@link #onError} record its execution, with the
 * latency since {@code onRequest}.
 *
 * <pre>{@code
 * var listener = PromptEngineChatModelListener.builder(client).defaultPrompt("assistant", 1).build();
 * ChatModel model = OpenAiChatModel.builder().apiKey(key).modelName("gpt-4o").listeners(List.of(listener)).build();
 * }</pre>
 *
 * Never throws and never blocks: the client only offers events to its queue, and anything that goes
 * wrong in here is caught, counted ({@link #failures()}) and logged once per kind.
 */
public final class PromptEngineChatModelListener implements ChatModelListener {

    private static final System.Logger LOG = System.getLogger(PromptEngineChatModelListener.class.getName());
    private static final Map<String, String> USAGE_METADATA = Map.of("integration", "langchain4j");

    /** What {@code onRequest} leaves in the call's attributes for {@code onResponse}/{@code onError}. */
    record InFlight(Usage usage, long startedNanos) {}

    /** Left by an {@code onRequest} that recorded nothing (unattributed, or it failed and counted that). */
    private static final Object NOT_RECORDED = new Object();

    private final PromptEngine client;
    private final Prompt defaultPrompt;
    private final String environment;
    private final String provider;
    private final LongSupplier nanoTime;
    private final LongAdder failures = new LongAdder();
    private final LongAdder unattributed = new LongAdder();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    private PromptEngineChatModelListener(Builder builder) {
        this.client = builder.client;
        this.defaultPrompt =
                builder.defaultSlug == null ? null : new Prompt(builder.defaultSlug, builder.defaultVersion, null);
        this.environment = builder.environment;
        this.provider = builder.provider;
        this.nanoTime = builder.nanoTime;
    }

    public static Builder builder(PromptEngine client) {
        return new Builder(client);
    }

    @Override
    public void onRequest(ChatModelRequestContext context) {
        try {
            start(context.chatRequest(), context.attributes());
        } catch (RuntimeException | LinkageError e) {
            failed("onRequest", e);
        }
    }

    @Override
    public void onResponse(ChatModelResponseContext context) {
        try {
            succeeded(context);
        } catch (RuntimeException | LinkageError e) {
            failed("onResponse", e);
        }
    }

    @Override
    public void onError(ChatModelErrorContext context) {
        try {
            failed(context);
        } catch (RuntimeException | LinkageError e) {
            failed("onError", e);
        }
    }

    /** Exceptions caught inside the listener, and responses or errors it found no {@code onRequest} for. */
    public long failures() {
        return failures.sum();
    }

    /** Calls outside any scope on a listener without a default prompt: not recorded. */
    public long unattributed() {
        return unattributed.sum();
    }

    /** Records the usage (unless the scope brought one) and keeps it with the start time; null if unattributed. */
    InFlight start(ChatRequest request, Map<Object, Object> attributes) {
        long started = nanoTime.getAsLong();
        attributes.put(this, NOT_RECORDED);
        Prompt scoped = PromptEngineLangChain4j.current();
        Prompt prompt = scoped != null ? scoped : defaultPrompt;
        if (prompt == null) {
            unattributed.increment();
            return null;
        }
        Usage usage = prompt.usage() != null ? prompt.usage() : client.recordRender(usage(prompt, request));
        if (usage == null) {
            return null; // the client counted and logged why
        }
        var inFlight = new InFlight(usage, started);
        attributes.put(this, inFlight);
        return inFlight;
    }

    Execution succeeded(ChatModelResponseContext context) {
        InFlight inFlight = inFlight(context.attributes());
        if (inFlight == null) {
            return null;
        }
        ChatRequest request = context.chatRequest();
        ChatResponse response = context.chatResponse();
        Execution.Builder execution = execution(inFlight, context.modelProvider(), request, response.modelName());
        TokenUsage tokens = response.tokenUsage();
        if (tokens != null) {
            execution.tokens(count(tokens.inputTokenCount()), count(tokens.outputTokenCount()));
            if (tokens.totalTokenCount() != null) {
                execution.totalTokens(tokens.totalTokenCount().longValue());
            }
            OpenAiDetails.Tokens details = OpenAiDetails.tokens(tokens);
            execution.cachedInputTokens(details.cachedInput()).reasoningTokens(details.reasoning());
        }
        var metadata = new LinkedHashMap<String, Object>();
        putIfPresent(metadata, "response_model", response.modelName());
        putIfPresent(metadata, "response_id", response.id());
        if (response.finishReason() != null) {
            metadata.put("finish_reason", response.finishReason().name().toLowerCase(Locale.ROOT));
        }
        if (response.aiMessage() != null) {
            execution.responseContent(ChatMapping.text(response.aiMessage()));
            if (response.aiMessage().hasToolExecutionRequests()) {
                metadata.put(
                        "tool_calls",
                        response.aiMessage().toolExecutionRequests().stream()
                                .map(ToolExecutionRequest::name)
                                .toList());
            }
        }
        return client.recordExecution(
                execution.responseMetadata(metadata).status(Status.SUCCESS).executionTimeMs(elapsedMs(inFlight)));
    }

    Execution failed(ChatModelErrorContext context) {
        InFlight inFlight = inFlight(context.attributes());
        if (inFlight == null) {
            return null;
        }
        Throwable error = context.error();
        return client.recordExecution(execution(inFlight, context.modelProvider(), context.chatRequest(), null)
                .status(ChatMapping.isTimeout(error) ? Status.TIMEOUT : Status.ERROR)
                .errorMessage(ChatMapping.errorMessage(error))
                .executionTimeMs(elapsedMs(inFlight)));
    }

    private Usage.Builder usage(Prompt prompt, ChatRequest request) {
        return Usage.builder(prompt.slug(), prompt.version())
                .environment(environment)
                .renderedContent(ChatMapping.lastUserText(request.messages()))
                .renderedSystemMessage(ChatMapping.systemText(request.messages()))
                .metadata(USAGE_METADATA);
    }

    private Execution.Builder execution(
            InFlight inFlight, ModelProvider modelProvider, ChatRequest request, String responseModel) {
        String model = request.modelName() != null ? request.modelName() : responseModel;
        Integer maxTokens = request.maxOutputTokens() != null
                ? request.maxOutputTokens()
                : OpenAiDetails.maxCompletionTokens(request.parameters());
        return Execution.builder(inFlight.usage())
                .provider(provider != null ? provider : ChatMapping.provider(modelProvider))
                .model(model != null ? model : "unknown")
                .temperature(request.temperature())
                .maxTokens(maxTokens)
                .messages(ChatMapping.messages(request.messages()));
    }

    /** The call's {@link InFlight}, or null: nothing recorded on request, or no {@code onRequest} seen (a failure). */
    private InFlight inFlight(Map<Object, Object> attributes) {
        Object state = attributes.get(this);
        if (state instanceof InFlight inFlight) {
            return inFlight;
        }
        if (state == null) {
            failures.increment();
            warnOnce("no-request", "A chat response or error without its onRequest: not recorded");
        }
        return null;
    }

    private long elapsedMs(InFlight inFlight) {
        return Math.max(0, (nanoTime.getAsLong() - inFlight.startedNanos()) / 1_000_000);
    }

    private void failed(String callback, Throwable e) {
        failures.increment();
        warnOnce(
                callback + e.getClass().getName(), "PromptEngine listener " + callback + " failed, not recorded: " + e);
    }

    private void warnOnce(String kind, String message) {
        if (warned.add(kind)) {
            LOG.log(System.Logger.Level.WARNING, message);
        }
    }

    private static long count(Integer tokens) {
        return tokens == null ? 0 : tokens;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** The listener's settings; {@link #build()} checks them. */
    public static final class Builder {
        private final PromptEngine client;
        private String defaultSlug;
        private int defaultVersion;
        private String environment;
        private String provider;
        private LongSupplier nanoTime = System::nanoTime;

        private Builder(PromptEngine client) {
            this.client = client;
        }

        /** The prompt of calls outside any scope; without one, such calls are not recorded ({@link #unattributed()}). */
        public Builder defaultPrompt(String slug, int version) {
            this.defaultSlug = slug;
            this.defaultVersion = version;
            return this;
        }

        /** The environment of the usages the listener records (not of usages a scope brings). */
        public Builder environment(String environment) {
            this.environment = environment;
            return this;
        }

        /**
         * The provider to record instead of the model's own ({@code OpenAiChatModel} pointed at another
         * OpenAI-compatible service, for example {@code "deepseek"}), as cost-service's catalog names it.
         */
        public Builder provider(String provider) {
            this.provider = provider;
            return this;
        }

        Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            return this;
        }

        /** @throws IllegalArgumentException without a client, or with a blank default slug or a version below 1 */
        public PromptEngineChatModelListener build() {
            if (client == null) {
                throw new IllegalArgumentException("a PromptEngine client is required");
            }
            if (defaultSlug != null && (defaultSlug.isBlank() || defaultVersion < 1)) {
                throw new IllegalArgumentException("the default prompt needs a slug and a version of at least 1");
            }
            if (provider != null && provider.isBlank()) {
                throw new IllegalArgumentException("provider must not be blank");
            }
            return new PromptEngineChatModelListener(this);
        }
    }
}
