package dev.promptengine.bench.physical;

import dev.promptengine.bench.BenchContext;
import dev.promptengine.bench.Infrastructure;
import dev.promptengine.bench.MetricSpec;
import dev.promptengine.bench.Scenario;
import dev.promptengine.bench.workload.Workload;
import dev.promptengine.bench.workload.Workload.Content;
import dev.promptengine.events.LlmExecution;
import dev.promptengine.events.Message;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Physical limit of the database for our rows: {@code COPY} of executions into a table shaped
 * like analytics' raw facts (every event field, jsonb messages, exact cost columns, range
 * partitioned by occurred_at, unique on tenant and id). No upserts, no rollups: the ceiling any
 * write path into PostgreSQL works under.
 */
public final class PostgresCopyScenario implements Scenario {

    static final String TABLE = """
            CREATE TABLE executions (
                tenant text NOT NULL,
                id uuid NOT NULL,
                usage_id uuid NOT NULL,
                occurred_at timestamptz NOT NULL,
                prompt_slug text NOT NULL,
                prompt_version int NOT NULL,
                environment text NOT NULL,
                session_id text,
                user_identifier text,
                provider text NOT NULL,
                model text NOT NULL,
                temperature double precision,
                max_tokens int,
                messages jsonb,
                response_content text,
                input_tokens bigint NOT NULL,
                output_tokens bigint NOT NULL,
                total_tokens bigint NOT NULL,
                cached_input_tokens bigint NOT NULL,
                reasoning_tokens bigint NOT NULL,
                execution_time_ms bigint NOT NULL,
                status text NOT NULL,
                error_message text,
                response_metadata jsonb,
                pricing_status text NOT NULL,
                input_cost numeric(38, 18),
                output_cost numeric(38, 18),
                total_cost numeric(38, 18),
                PRIMARY KEY (tenant, id, occurred_at)
            ) PARTITION BY RANGE (occurred_at)
            """;

    static final String COPY = "COPY executions FROM STDIN";

    /** The store's ceiling for the e2e targets: COPY rows/s into a primary-key-only raw table. */
    public static final String COPY_METADATA = "postgres.copy.metadata";

    public static final String COPY_CONTENT = "postgres.copy.content2kb";

    @Override
    public String name() {
        return "postgres-copy";
    }

    @Override
    public String description() {
        return "Raw PostgreSQL COPY of executions into a partitioned table shaped like analytics' raw facts";
    }

    @Override
    public void run(BenchContext context) throws Exception {
        Infrastructure.Database database = context.infrastructure().newDatabase("bench_copy");
        for (Content content : List.of(Content.METADATA_ONLY, Content.KB2)) {
            int count = context.scaled(content == Content.METADATA_ONLY ? 300_000 : 100_000);
            byte[] rows = copyRows(content, count);
            String suffix = content == Content.METADATA_ONLY ? "metadata" : "content2kb";
            context.note(String.format(
                    "%s: %,d rows per run, %.0f bytes per row in COPY text format",
                    suffix, count, rows.length / (double) count));
            var rates = context.repeat("copy " + suffix, () -> copy(database, rows, count));
            context.record(
                    MetricSpec.throughput("postgres.copy." + suffix, "raw PostgreSQL COPY, " + suffix, "rows/s"),
                    rates);
        }
    }

    private static double copy(Infrastructure.Database database, byte[] rows, int count) throws Exception {
        try (var connection = database.connect();
                var statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS executions");
            statement.execute(TABLE);
            Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS);
            statement.execute("CREATE TABLE executions_today PARTITION OF executions FOR VALUES FROM ('"
                    + day.minus(1, ChronoUnit.DAYS) + "') TO ('" + day.plus(2, ChronoUnit.DAYS) + "')");
            long started = System.nanoTime();
            long copied =
                    connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, new ByteArrayInputStream(rows));
            double rate = copied / ((System.nanoTime() - started) / 1e9);
            if (copied != count) {
                throw new IllegalStateException("copied " + copied + " of " + count);
            }
            return rate;
        }
    }

    /** Rows in COPY text format, built before the clock starts. */
    static byte[] copyRows(Content content, int count) {
        var workload = new Workload(11);
        var out = new ByteArrayOutputStream(count * (content.bytes + 600));
        var line = new StringBuilder(content.bytes + 1024);
        Instant now = Instant.now();
        for (int i = 0; i < count; i++) {
            LlmExecution e =
                    workload.next(content, now.minusMillis(i % 3_600_000)).execution();
            line.setLength(0);
            boolean priced = !e.getProvider().equals("acme");
            BigDecimal input = priced ? BigDecimal.valueOf(e.getInputTokens()).movePointLeft(6) : null;
            BigDecimal output =
                    priced ? BigDecimal.valueOf(e.getOutputTokens() * 3).movePointLeft(6) : null;
            field(line, e.getTenant());
            field(line, e.getId());
            field(line, e.getUsageId());
            field(line, e.getOccurredAt());
            field(line, e.getPromptSlug());
            field(line, e.getPromptVersion());
            field(line, e.getEnvironment());
            field(line, e.getSessionId());
            field(line, e.getUserIdentifier());
            field(line, e.getProvider());
            field(line, e.getModel());
            field(line, e.getTemperature());
            field(line, e.getMaxTokens());
            field(line, messagesJson(e.getMessages()));
            field(line, e.getResponseContent());
            field(line, e.getInputTokens());
            field(line, e.getOutputTokens());
            field(line, e.getTotalTokens());
            field(line, e.getCachedInputTokens());
            field(line, e.getReasoningTokens());
            field(line, e.getExecutionTimeMs());
            field(line, e.getStatus());
            field(line, e.getErrorMessage());
            field(line, e.getResponseMetadata());
            field(line, priced ? "PRICED" : "UNPRICED");
            field(line, input);
            field(line, output);
            field(line, priced ? input.add(output) : null);
            line.setCharAt(line.length() - 1, '\n');
            out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    public static String messagesJson(List<Message> messages) {
        var json = new StringBuilder("[");
        for (Message m : messages) {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("{\"role\":\"")
                    .append(jsonEscape(m.getRole()))
                    .append("\",\"content\":\"")
                    .append(jsonEscape(m.getContent()))
                    .append("\"}");
        }
        return json.append(']').toString();
    }

    static String jsonEscape(String text) {
        if (text == null) {
            return "";
        }
        var out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** One COPY text-format column followed by a tab; null is {@code \N}. */
    public static void field(StringBuilder line, Object value) {
        if (value == null) {
            line.append("\\N");
        } else {
            String text = value.toString();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '\\' -> line.append("\\\\");
                    case '\t' -> line.append("\\t");
                    case '\n' -> line.append("\\n");
                    case '\r' -> line.append("\\r");
                    default -> line.append(c);
                }
            }
        }
        line.append('\t');
    }
}
