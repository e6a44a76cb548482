package dev.promptengine.bench.baseline;

import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.Infrastructure;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.physical.PostgresCopyScenario;
import dev.promptengine.bench.workload.Workload;
import dev.promptengine.bench.workload.Workload.Content;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.PromptUsage;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The seed's synchronous logging, the baseline the pipeline must beat by 20x: per LLM call the
 * request thread runs, over JDBC into the same PostgreSQL, INSERT usage, INSERT execution, UPDATE
 * execution with the response, UPDATE with the cost — each in its own transaction, as Rails'
 * {@code create!}/{@code update!} do. Measured with 1 request thread and with 8 (a Puma-sized pool).
 */
public final class SyncLoggingScenario implements Scenario {

    public static final String SYNC_METADATA = "baseline.sync.8threads.metadata";
    public static final String SYNC_CONTENT = "baseline.sync.8threads.content2kb";

    static final String SCHEMA = """
            CREATE TABLE prompt_usages (
                id bigserial PRIMARY KEY,
                prompt_id bigint NOT NULL,
                prompt_version_id bigint NOT NULL,
                environment varchar NOT NULL,
                session_id varchar,
                user_identifier varchar,
                parameters_used jsonb,
                rendered_content text,
                rendered_system_message text,
                metadata jsonb,
                created_at timestamp(6) NOT NULL,
                updated_at timestamp(6) NOT NULL
            );
            CREATE INDEX index_prompt_usages_on_prompt_id ON prompt_usages (prompt_id);
            CREATE INDEX index_prompt_usages_on_prompt_version_id ON prompt_usages (prompt_version_id);
            CREATE INDEX index_prompt_usages_on_created_at ON prompt_usages (created_at);
            CREATE TABLE llm_executions (
                id bigserial PRIMARY KEY,
                prompt_usage_id bigint NOT NULL REFERENCES prompt_usages (id),
                provider varchar NOT NULL,
                model varchar NOT NULL,
                temperature numeric,
                max_tokens integer,
                messages jsonb,
                response_content text,
                input_tokens integer,
                output_tokens integer,
                total_tokens integer,
                execution_time_ms integer,
                status varchar NOT NULL DEFAULT 'pending',
                error_message text,
                response_metadata jsonb,
                cost numeric(12, 6),
                created_at timestamp(6) NOT NULL,
                updated_at timestamp(6) NOT NULL
            );
            CREATE INDEX index_llm_executions_on_prompt_usage_id ON llm_executions (prompt_usage_id);
            CREATE INDEX index_llm_executions_on_provider_and_model ON llm_executions (provider, model);
            CREATE INDEX index_llm_executions_on_status ON llm_executions (status);
            CREATE INDEX index_llm_executions_on_created_at ON llm_executions (created_at);
            """;

    static final String INSERT_USAGE = """
            INSERT INTO prompt_usages (prompt_id, prompt_version_id, environment, session_id, user_identifier,
                parameters_used, rendered_content, rendered_system_message, metadata, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?::jsonb, ?, ?) RETURNING id
            """;
    static final String INSERT_EXECUTION = """
            INSERT INTO llm_executions (prompt_usage_id, provider, model, temperature, max_tokens, messages,
                status, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, 'pending', ?, ?) RETURNING id
            """;
    static final String UPDATE_RESPONSE = """
            UPDATE llm_executions SET response_content = ?, input_tokens = ?, output_tokens = ?, total_tokens = ?,
                execution_time_ms = ?, status = ?, error_message = ?, response_metadata = ?::jsonb, updated_at = ?
            WHERE id = ?
            """;
    static final String UPDATE_COST = "UPDATE llm_executions SET cost = ?, updated_at = ? WHERE id = ?";

    record Variant(String id, String label, int threads, Content content) {}

    @Override
    public String name() {
        return "sync-baseline";
    }

    @Override
    public String description() {
        return "The seed's synchronous JDBC logging: 4 statements per LLM call, one transaction each";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        Infrastructure.Database database = context.infrastructure().newDatabase("bench_seed");
        try (var connection = database.connect();
                var statement = connection.createStatement()) {
            statement.execute(SCHEMA);
        }
        double seconds = Math.max(3, 6 * context.options().scale());
        context.note(String.format(
                "each run logs as many calls as it can in %.0f s; synchronous_commit=%s (same as every bench database)",
                seconds, context.options().synchronousCommit()));
        for (var variant : List.of(
                new Variant(
                        "baseline.sync.1thread.metadata",
                        "seed sync logging, 1 thread, metadata",
                        1,
                        Content.METADATA_ONLY),
                new Variant(SYNC_METADATA, "seed sync logging, 8 threads, metadata", 8, Content.METADATA_ONLY),
                new Variant(SYNC_CONTENT, "seed sync logging, 8 threads, ~2 KB content", 8, Content.KB2))) {
            var rates = context.repeat(variant.label(), () -> {
                try (var connection = database.connect();
                        var statement = connection.createStatement()) {
                    statement.execute("TRUNCATE llm_executions, prompt_usages");
                }
                return logFor(database, variant, seconds);
            });
            context.record(MetricSpec.throughput(variant.id(), variant.label(), "executions/s"), rates);
        }
    }

    private static double logFor(Infrastructure.Database database, Variant variant, double seconds) throws Exception {
        var stop = new AtomicBoolean();
        var pool = Executors.newFixedThreadPool(variant.threads());
        try {
            var workers = new ArrayList<Callable<Long>>();
            for (int t = 0; t < variant.threads(); t++) {
                long seed = t;
                workers.add(() -> logUntilStopped(database, new Workload(seed), variant.content(), stop));
            }
            long started = System.nanoTime();
            var futures = workers.stream().map(pool::submit).toList();
            Thread.sleep((long) (seconds * 1000));
            stop.set(true);
            long calls = 0;
            for (var future : futures) {
                calls += future.get();
            }
            return calls / ((System.nanoTime() - started) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    private static long logUntilStopped(
            Infrastructure.Database database, Workload workload, Content content, AtomicBoolean stop) throws Exception {
        try (Connection connection = database.connect();
                var insertUsage = connection.prepareStatement(INSERT_USAGE);
                var insertExecution = connection.prepareStatement(INSERT_EXECUTION);
                var updateResponse = connection.prepareStatement(UPDATE_RESPONSE);
                var updateCost = connection.prepareStatement(UPDATE_COST)) {
            connection.setAutoCommit(false);
            long calls = 0;
            while (!stop.get()) {
                var pair = workload.next(content, Instant.now());
                long usageId = insertUsage(insertUsage, pair.usage());
                connection.commit();
                long executionId = insertExecution(insertExecution, usageId, pair.execution());
                connection.commit();
                updateResponse(updateResponse, executionId, pair.execution());
                connection.commit();
                updateCost.setBigDecimal(
                        1,
                        BigDecimal.valueOf(
                                pair.execution().getInputTokens() * 5
                                        + pair.execution().getOutputTokens() * 15L,
                                6));
                updateCost.setTimestamp(2, Timestamp.from(Instant.now()));
                updateCost.setLong(3, executionId);
                updateCost.executeUpdate();
                connection.commit();
                calls++;
            }
            return calls;
        }
    }

    private static long insertUsage(PreparedStatement statement, PromptUsage usage) throws Exception {
        var now = Timestamp.from(Instant.now());
        statement.setLong(1, Long.parseLong(usage.getPromptId().substring(2)));
        statement.setLong(2, usage.getPromptVersion());
        statement.setString(3, usage.getEnvironment());
        statement.setString(4, usage.getSessionId());
        statement.setString(5, usage.getUserIdentifier());
        statement.setString(6, usage.getParameters());
        statement.setString(7, usage.getRenderedContent());
        statement.setString(8, usage.getRenderedSystemMessage());
        statement.setString(9, usage.getMetadata());
        statement.setTimestamp(10, now);
        statement.setTimestamp(11, now);
        try (var result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    private static long insertExecution(PreparedStatement statement, long usageId, LlmExecution execution)
            throws Exception {
        var now = Timestamp.from(Instant.now());
        statement.setLong(1, usageId);
        statement.setString(2, execution.getProvider());
        statement.setString(3, execution.getModel());
        statement.setObject(4, execution.getTemperature(), Types.NUMERIC);
        statement.setObject(5, execution.getMaxTokens(), Types.INTEGER);
        statement.setString(6, PostgresCopyScenario.messagesJson(execution.getMessages()));
        statement.setTimestamp(7, now);
        statement.setTimestamp(8, now);
        try (var result = statement.executeQuery()) {
            result.next();
            return result.getLong(1);
        }
    }

    private static void updateResponse(PreparedStatement statement, long executionId, LlmExecution execution)
            throws Exception {
        statement.setString(1, execution.getResponseContent());
        statement.setLong(2, execution.getInputTokens());
        statement.setLong(3, execution.getOutputTokens());
        statement.setLong(4, execution.getTotalTokens());
        statement.setLong(5, execution.getExecutionTimeMs());
        statement.setString(6, execution.getStatus().name().toLowerCase());
        statement.setString(7, execution.getErrorMessage());
        statement.setString(8, execution.getResponseMetadata());
        statement.setTimestamp(9, Timestamp.from(Instant.now()));
        statement.setLong(10, executionId);
        statement.executeUpdate();
    }
}
