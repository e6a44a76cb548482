package dev.promptengine.client;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records prompt usages and LLM executions for the PromptEngine pipeline without slowing the
 * caller: {@link #recordRender}, {@link #recordExecution} and {@link #startCall} validate cheaply,
 * assign the id and {@code occurred_at}, and offer the event to a bounded queue; a sender thread
 * delivers batches over HTTP ({@link #http}) or straight to Kafka ({@link #kafka}), resending the
 * same ids until they are acknowledged. These methods never block beyond that offer and never
 * throw; the only exception the client raises is {@link IllegalArgumentException} from
 * {@link Builder#build()} for a misconfiguration.
 *
 * <pre>{@code
 * var client = PromptEngine.http("http://localhost:8081", System.getenv("PE_PUBLISHER_KEY")).build();
 * var usage = client.recordRender(Usage.builder("support-reply", 3).renderedContent(text));
 * }</pre>
 */
public final class PromptEngine implements AutoCloseable {

    private static final SecureRandom SEED = new SecureRandom();

    private final Clock clock;
    private final long idHigh = (SEED.nextLong() & ~0xF000L) | 0x4000L;
    private final AtomicLong idCounter = new AtomicLong(SEED.nextLong());
    private final Counters counters = new Counters();
    private final Problems problems = new Problems();
    private final EventQueue queue;
    private final Transport transport;
    private final Sender sender;
    private final Thread senderThread;
    private final Duration closeTimeout;
    private volatile boolean closed;

    private PromptEngine(Builder builder) {
        this.clock = builder.clock;
        this.closeTimeout = builder.closeTimeout;
        this.queue = new EventQueue(builder.queueCapacity, builder.dropPolicy, counters);
        this.transport = builder.transport(problems);
        this.sender = new Sender(
                queue,
                transport,
                counters,
                problems,
                new Backoff(builder.initialBackoff, builder.maxBackoff),
                builder.maxBatchSize,
                builder.linger,
                null,
                System::nanoTime);
        this.senderThread = new Thread(sender, "promptengine-client-sender");
        senderThread.setDaemon(true);
        senderThread.start();
        if (builder.meterRegistry != null) {
            MicrometerMeters.register(
                    (io.micrometer.core.instrument.MeterRegistry) builder.meterRegistry, counters, queue);
        }
    }

    /** The HTTP transport: {@code POST /v1/events} to ingest-service with a {@code publisher} key. */
    public static Builder http(String baseUrl, String apiKey) {
        var builder = new Builder();
        builder.baseUrl = baseUrl;
        builder.apiKey = apiKey;
        return builder;
    }

    /** The Kafka transport: Avro straight to the topics as a SASL/SCRAM principal (normally {@code direct-producer}). */
    public static Builder kafka(String bootstrapServers, String username, String password) {
        var builder = new Builder();
        builder.bootstrapServers = bootstrapServers;
        builder.username = username;
        builder.password = password;
        return builder;
    }

    /** A prompt was rendered: records the usage and answers it with its id (to pass to the executions). */
    public Usage recordRender(Usage.Builder usage) {
        try {
            Usage event = usage.build(newId(), now());
            String invalid = invalid(event);
            enqueue(event, invalid);
            return event;
        } catch (RuntimeException e) {
            counters.rejectedUnqueued();
            problems.once("record-" + e.getClass().getName(), "Cannot record a usage: " + e);
            return null;
        }
    }

    /** An LLM call finished: records the execution and answers it. */
    public Execution recordExecution(Execution.Builder execution) {
        try {
            Execution event = execution.build(newId(), now());
            String invalid = invalid(event);
            enqueue(event, invalid);
            return event;
        } catch (RuntimeException e) {
            counters.rejectedUnqueued();
            problems.once("record-" + e.getClass().getName(), "Cannot record an execution: " + e);
            return null;
        }
    }

    /** Starts measuring an LLM call for {@code usage}; the {@link Call} records the execution when it ends. */
    public Call startCall(Usage usage, String provider, String model) {
        Execution.Builder execution = usage == null ? Execution.builder(null, null, 0) : Execution.builder(usage);
        return new Call(this, execution.provider(provider).model(model), System::nanoTime);
    }

    /** As {@link #startCall(Usage, String, String)}; set provider and model on {@link Call#execution()}. */
    public Call startCall(Usage usage) {
        return startCall(usage, null, null);
    }

    /** Events acknowledged by the pipeline. */
    public long sent() {
        return counters.sent.sum();
    }

    /** Events resent after a failed attempt (each resend counts; the ids stay the same). */
    public long retried() {
        return counters.retried.sum();
    }

    /** Events given up because the queue was full, recorded after close, or unsent at close's deadline. */
    public long dropped() {
        return counters.dropped.sum();
    }

    /** Events refused for good: invalid on record, refused by ingest (4xx) or Kafka (authorization, size). */
    public long rejected() {
        return counters.rejected.sum();
    }

    /** Events waiting in the queue. */
    public int queueDepth() {
        return queue.size();
    }

    /** Events recorded and not yet sent, rejected or dropped: the queue plus the batch being sent or retried. */
    public long pending() {
        return counters.pending();
    }

    /** Delivers what is queued within the configured close timeout, then stops; the rest counts as dropped. */
    @Override
    public void close() {
        close(closeTimeout);
    }

    public void close(Duration deadline) {
        if (closed) {
            return;
        }
        closed = true;
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        sender.closeBy(deadlineNanos);
        try {
            senderThread.join(Math.max(1, deadline.toMillis()));
            if (senderThread.isAlive()) {
                senderThread.interrupt();
                senderThread.join(1000);
            }
        } catch (InterruptedException e) {
            senderThread.interrupt();
            Thread.currentThread().interrupt();
        }
        int left = queue.size();
        if (left > 0) {
            counters.dropped(queue.drainTo(new java.util.ArrayList<>(), Integer.MAX_VALUE));
            Problems.warn("Closed with " + left + " undelivered events; counted as dropped");
        }
        transport.close();
    }

    private void enqueue(Event event, String invalid) {
        if (invalid != null) {
            counters.rejectedUnqueued();
            problems.once("invalid-" + invalid, "Not recorded: " + invalid);
        } else if (closed) {
            counters.droppedUnqueued();
            problems.once("closed", "An event was recorded after close(); dropped");
        } else {
            queue.offer(event);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * A UUID (version 4 layout) unique without a lock or {@code SecureRandom} on the caller's
     * thread: 60 random bits drawn once per client, then a counter from a random start. Two
     * clients collide only if their 60 random bits do.
     */
    private UUID newId() {
        long low = (idCounter.getAndIncrement() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(idHigh, low);
    }

    /** The first rule an event breaks that ingest would refuse it for, or null. Cheap: no content is scanned. */
    static String invalid(Usage usage) {
        if (blank(usage.promptSlug())) {
            return "usage without prompt_slug";
        }
        if (usage.promptVersion() < 1) {
            return "usage with prompt_version < 1";
        }
        return null;
    }

    static String invalid(Execution execution) {
        if (execution.usageId() == null) {
            return "execution without usage_id";
        }
        if (blank(execution.promptSlug())) {
            return "execution without prompt_slug";
        }
        if (execution.promptVersion() < 1) {
            return "execution with prompt_version < 1";
        }
        if (blank(execution.provider()) || blank(execution.model())) {
            return "execution without provider or model";
        }
        if (execution.status() == null) {
            return "execution without status";
        }
        if (execution.inputTokens() < 0
                || execution.outputTokens() < 0
                || execution.cachedInputTokens() < 0
                || execution.cacheWriteTokens() < 0
                || execution.reasoningTokens() < 0
                || execution.executionTimeMs() < 0) {
            return "execution with a negative token count or time";
        }
        if (execution.providerCostUsd() != null && execution.providerCostUsd().signum() < 0) {
            return "execution with a negative provider cost";
        }
        return null;
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }

    /** Transport and delivery settings. Defaults suit one ingest-service with its default limits. */
    public static final class Builder {
        private String baseUrl;
        private String apiKey;
        private String bootstrapServers;
        private String username;
        private String password;
        private String securityProtocol = "SASL_PLAINTEXT";
        private String saslMechanism = "SCRAM-SHA-256";
        private String transactionalId;
        private String tenant = "default";
        private final Map<String, Object> kafkaProperties = new LinkedHashMap<>();
        private int queueCapacity = 10_000;
        private DropPolicy dropPolicy = DropPolicy.DROP_NEWEST;
        private int maxBatchSize = 500;
        private Duration linger = Duration.ofMillis(200);
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private int maxBodyBytes = 4 * 1024 * 1024;
        private int maxRecordBytes = 1_000 * 1024;
        private Clock clock = Clock.systemUTC();
        private CaptureMode captureMode = CaptureMode.REDACTED;
        private List<String> detectors = dev.promptengine.schemas.privacy.TextRedactor.builtInDetectors();
        private final Map<String, String> customRules = new LinkedHashMap<>();
        private List<String> droppedKeys = dev.promptengine.schemas.privacy.TextRedactor.DEFAULT_DROPPED_KEYS;
        private Object meterRegistry;
        private dev.promptengine.schemas.sealing.KeyProvider contentKeys;
        private Duration keyRotation = Duration.ofDays(1);

        private Builder() {}

        /**
         * Kafka transport only: seals every content field (parameters, rendered content, system
         * message, messages, response, error message) with AES-256-GCM under the tenant's data key
         * before the event leaves the process, exactly as ingest-service does with encryption on
         * (docs/privacy.md). The keys are the tenant's key-encryption keys in {@code keyDirectory},
         * the directory analytics-service reads ({@code promptengine.privacy.encryption.key-directory}).
         * Over HTTP, ingest-service seals: configure it there.
         */
        public Builder sealContent(java.nio.file.Path keyDirectory) {
            return sealContent(new dev.promptengine.schemas.sealing.LocalKeyDirectory(keyDirectory));
        }

        /** As {@link #sealContent(java.nio.file.Path)}, with the key-encryption keys from a provider (a KMS adapter). */
        public Builder sealContent(dev.promptengine.schemas.sealing.KeyProvider keys) {
            this.contentKeys = keys;
            return this;
        }

        /** How long a data key seals before the next one is made (default 1 day, at least 1 s). */
        public Builder keyRotation(Duration keyRotation) {
            this.keyRotation = keyRotation;
            return this;
        }

        /** Events held while the pipeline is slow or down (default 10,000); beyond it {@link #dropPolicy} applies. */
        public Builder queueCapacity(int queueCapacity) {
            this.queueCapacity = queueCapacity;
            return this;
        }

        public Builder dropPolicy(DropPolicy dropPolicy) {
            this.dropPolicy = dropPolicy;
            return this;
        }

        /** Events per batch (default 500; HTTP requests stay within ingest's max-batch-events of 1000). */
        public Builder maxBatchSize(int maxBatchSize) {
            this.maxBatchSize = maxBatchSize;
            return this;
        }

        /** How long a batch waits for more events after its first (default 200 ms). */
        public Builder linger(Duration linger) {
            this.linger = linger;
            return this;
        }

        /** First wait after a failed attempt (default 200 ms), doubling up to {@code max} (default 30 s). */
        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** HTTP: connect timeout (default 5 s) and per-request timeout (default 10 s; ingest answers 503 after 3.5 s). */
        public Builder timeouts(Duration connect, Duration request) {
            this.connectTimeout = connect;
            this.requestTimeout = request;
            return this;
        }

        /** How long {@link PromptEngine#close()} keeps delivering (default 10 s). */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
            return this;
        }

        /** HTTP: largest request body (default 4 MiB, under ingest's max-body-size of 5 MB). */
        public Builder maxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
            return this;
        }

        /** Kafka: largest key + value (default 1000 KiB, ingest's publishing.max-record-size). */
        public Builder maxRecordBytes(int maxRecordBytes) {
            this.maxRecordBytes = maxRecordBytes;
            return this;
        }

        /** Kafka: the tenant stamped on the events (default {@code default}); HTTP takes it from the key. */
        public Builder tenant(String tenant) {
            this.tenant = tenant;
            return this;
        }

        /** Kafka: {@code SASL_PLAINTEXT} (default) or {@code SASL_SSL}. */
        public Builder securityProtocol(String securityProtocol) {
            this.securityProtocol = securityProtocol;
            return this;
        }

        /** Kafka: the transactional id; default {@code <username>-<random>} (the ACLs allow {@code direct-producer-*}). */
        public Builder transactionalId(String transactionalId) {
            this.transactionalId = transactionalId;
            return this;
        }

        /** Kafka: any other producer property (TLS trust store, timeouts); the client's own settings win. */
        public Builder kafkaProperty(String name, Object value) {
            kafkaProperties.put(name, value);
            return this;
        }

        /** Kafka: how much content leaves the host (default {@code REDACTED}, as ingest's default). */
        public Builder captureMode(CaptureMode captureMode) {
            this.captureMode = captureMode;
            return this;
        }

        /** Kafka: the built-in detectors to run (default all of them, as ingest). */
        public Builder detectors(List<String> detectors) {
            this.detectors = detectors == null ? null : List.copyOf(detectors);
            return this;
        }

        /** Kafka: a custom rule, as ingest's {@code custom-rules}: matches of {@code regex} become {@code [REDACTED:<name>]}. */
        public Builder customRule(String name, String regex) {
            customRules.put(name, regex);
            return this;
        }

        /** Kafka: keys always removed from parameters and metadata (default ingest's {@code dropped-parameter-keys}). */
        public Builder droppedKeys(List<String> droppedKeys) {
            this.droppedKeys = droppedKeys == null ? null : List.copyOf(droppedKeys);
            return this;
        }

        /** Where {@code occurred_at} comes from (default the system clock, UTC). */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /**
         * Registers {@code promptengine.client.events{outcome=sent|retried|dropped|rejected}} and
         * {@code promptengine.client.queue.depth}; pass an {@code io.micrometer.core.instrument.MeterRegistry}.
         * Typed {@code Object} so hosts without Micrometer need not have it on the class path.
         */
        public Builder meterRegistry(Object meterRegistry) {
            this.meterRegistry = meterRegistry;
            return this;
        }

        /** Starts the client. Throws {@link IllegalArgumentException} for a misconfiguration: the client's only exception. */
        public PromptEngine build() {
            require(queueCapacity >= 1, "queueCapacity must be >= 1");
            require(maxBatchSize >= 1, "maxBatchSize must be >= 1");
            require(dropPolicy != null, "dropPolicy is required");
            require(positive(linger) || Duration.ZERO.equals(linger), "linger must be >= 0");
            require(positive(initialBackoff) && positive(maxBackoff), "backoff durations must be > 0");
            require(positive(connectTimeout) && positive(requestTimeout), "timeouts must be > 0");
            require(closeTimeout != null && !closeTimeout.isNegative(), "closeTimeout must be >= 0");
            require(clock != null, "clock is required");
            if (meterRegistry != null) {
                require(
                        isMeterRegistry(meterRegistry),
                        "meterRegistry must be an io.micrometer.core.instrument.MeterRegistry");
            }
            if (baseUrl != null) {
                require(
                        contentKeys == null,
                        "sealContent applies to the Kafka transport; over HTTP ingest-service seals"
                                + " (promptengine.privacy.encryption.enabled)");
                require(!blank(apiKey), "an API key is required");
                try {
                    var uri = URI.create(baseUrl);
                    require(
                            "http".equals(uri.getScheme()) || "https".equals(uri.getScheme()),
                            "baseUrl must be http(s)://host:port");
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("baseUrl is not a URL: " + baseUrl, e);
                }
            } else {
                require(!blank(bootstrapServers), "bootstrap servers are required");
                require(!blank(username) && password != null, "SASL username and password are required");
                require(!blank(tenant), "tenant must not be blank");
                require(keyRotation != null && keyRotation.toMillis() >= 1000, "keyRotation must be at least 1 s");
                require(
                        captureMode != null && detectors != null && droppedKeys != null,
                        "privacy settings are required");
                customRules.forEach((name, regex) -> require(
                        name != null && name.matches("[a-z0-9_]+") && !blank(regex),
                        "custom rule names are [a-z0-9_]+ and need a regex"));
            }
            return new PromptEngine(this);
        }

        private Transport transport(Problems problems) {
            if (baseUrl != null) {
                return new HttpTransport(
                        URI.create(baseUrl),
                        apiKey,
                        connectTimeout,
                        requestTimeout,
                        Math.min(maxBatchSize, 1000),
                        maxBodyBytes,
                        problems);
            }
            var config = new LinkedHashMap<String, Object>(kafkaProperties);
            config.put("bootstrap.servers", bootstrapServers);
            config.put("security.protocol", securityProtocol);
            config.put("sasl.mechanism", saslMechanism);
            config.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + escape(username)
                            + "\" password=\"" + escape(password) + "\";");
            config.put("acks", "all");
            config.put("enable.idempotence", true);
            config.put(
                    "transactional.id", transactionalId != null ? transactionalId : username + "-" + UUID.randomUUID());
            config.putIfAbsent("max.block.ms", 10_000);
            config.putIfAbsent("request.timeout.ms", 10_000);
            config.putIfAbsent("delivery.timeout.ms", 30_000);
            config.putIfAbsent("transaction.timeout.ms", 30_000);
            config.putIfAbsent("linger.ms", 0);
            config.put("max.request.size", maxRecordBytes + 1024);
            try {
                var sealer = contentKeys == null
                        ? null
                        : new dev.promptengine.schemas.sealing.EventSealer(
                                new dev.promptengine.schemas.sealing.ContentSealer(contentKeys, keyRotation, clock),
                                false);
                return new KafkaTransport(config, tenant, privacy(), sealer, maxRecordBytes, problems);
            } catch (org.apache.kafka.common.KafkaException e) {
                throw new IllegalArgumentException("Invalid Kafka producer settings: " + e.getMessage(), e);
            }
        }

        private Privacy privacy() {
            return new Privacy(
                    captureMode,
                    new dev.promptengine.schemas.privacy.TextRedactor(detectors, customRules, droppedKeys));
        }

        private static boolean isMeterRegistry(Object registry) {
            try {
                return Class.forName(
                                "io.micrometer.core.instrument.MeterRegistry",
                                false,
                                registry.getClass().getClassLoader())
                        .isInstance(registry);
            } catch (ClassNotFoundException e) {
                return false;
            }
        }

        private static String escape(String value) {
            return value.replace("\\", "\\\\").replace("\"", "\\\"");
        }

        private static boolean positive(Duration duration) {
            return duration != null && !duration.isNegative() && !duration.isZero();
        }

        private static void require(boolean condition, String message) {
            if (!condition) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
