package dev.promptengine.analytics.reconciliation;

import io.swagger.v3.oas.annotations.media.Schema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * An import's billed cost per UTC day and model next to what our facts hold for the same provider,
 * model and day: {@code sum(total_cost)}, {@code sum(catalog_cost)}, executions. Our side is one
 * aggregate over the import's days of {@code execution_fact} (partition-pruned); models are matched
 * with the format's fixed SQL expression, the same rule as {@link ExportFormat#modelKey}.
 */
@Component
class ImportComparison {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Comparison(
            UUID importId,
            @Schema(example = "openai") String format,

            @Schema(description = "Cost lines stored from the export", example = "6")
            int lines,

            @Schema(description = "Start of the export's first UTC day")
            Instant from,

            @Schema(description = "End (exclusive) of the export's last UTC day")
            Instant to,

            @Schema(
                    description = "Per UTC day and model (oldest day first, then model): every model billed, and every"
                            + " model of our executions of that provider on the export's days")
            List<Day> days,

            Totals totals) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Day(
            @Schema(example = "2026-11-24") LocalDate day,

            @Schema(description = "The model as matched (see docs/reconciliation.md)", example = "gpt-4o-2024-08-06")
            String model,

            @Schema(example = "0.0325") String billedCost,

            @Schema(description = "sum(total_cost) of our executions", example = "0.0325")
            String ourCost,

            @Schema(description = "sum(catalog_cost) of our executions", example = "0.031")
            String ourCatalogCost,

            @Schema(description = "billed_cost − our_cost", example = "0")
            String differenceUsd,

            @Schema(
                    description = "difference relative to our_cost, percent, one decimal; null when our_cost is 0",
                    example = "0.0")
            BigDecimal differencePercent,

            @Schema(example = "4") long ourExecutions,

            @Schema(description = "of our_executions, those without a price (contribute 0)", example = "0")
            long ourUnpricedExecutions) {}

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Totals(
            String billedCost,
            String ourCost,
            String ourCatalogCost,
            String differenceUsd,
            BigDecimal differencePercent,
            long ourExecutions,
            long ourUnpricedExecutions,

            @Schema(
                    description = "Billed lines the provider attributes to no model (web search, code execution); in"
                            + " billed_cost, in no day",
                    example = "0.01")
            String unattributedBilledCost) {}

    /** Our facts' model as each format's {@link ExportFormat#modelKey} spells it. */
    private static final Map<ExportFormat, String> MODEL_KEY = Map.of(
            ExportFormat.OPENAI, "lower(btrim(model))",
            ExportFormat.ANTHROPIC,
                    "regexp_replace(regexp_replace(lower(btrim(model)), '[[:space:].]+', '-', 'g'), '-[0-9]{8}$', '')");

    private static final String OURS = """
            SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, %s AS model_key,
                   sum(total_cost) AS our_cost, sum(catalog_cost) AS our_catalog_cost, count(*) AS executions,
                   count(*) FILTER (WHERE pricing_status <> 'priced') AS unpriced
            FROM execution_fact
            WHERE tenant = :tenant AND occurred_at >= :from AND occurred_at < :to AND lower(provider) = :provider
            GROUP BY 1, 2""";

    private record Ours(BigDecimal cost, BigDecimal catalogCost, long executions, long unpriced) {}

    private record Key(LocalDate day, String model) {}

    private final JdbcClient jdbc;

    ImportComparison(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    Comparison compare(ProviderImport stored) {
        var format = ExportFormat.parse(stored.format());
        Instant from = stored.firstDay().atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = stored.lastDay().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        var billed = new TreeMap<Key, BigDecimal>(Comparator.comparing(Key::day).thenComparing(Key::model));
        BigDecimal unattributed = BigDecimal.ZERO;
        for (var line : stored.lines()) {
            if (line.model() == null) {
                unattributed = unattributed.add(line.billedCost());
            } else {
                billed.merge(new Key(line.day(), line.model()), line.billedCost(), BigDecimal::add);
            }
        }
        var ours = new TreeMap<Key, Ours>(Comparator.comparing(Key::day).thenComparing(Key::model));
        jdbc.sql(OURS.formatted(MODEL_KEY.get(format)))
                .param("tenant", stored.tenant())
                .param("from", from.atOffset(ZoneOffset.UTC))
                .param("to", to.atOffset(ZoneOffset.UTC))
                .param("provider", format.provider())
                .query(rs -> {
                    ours.put(
                            new Key(rs.getObject("day", LocalDate.class), rs.getString("model_key")),
                            new Ours(
                                    Money.orZero(rs.getBigDecimal("our_cost")),
                                    Money.orZero(rs.getBigDecimal("our_catalog_cost")),
                                    rs.getLong("executions"),
                                    rs.getLong("unpriced")));
                });
        var keys = new TreeSet<Key>(billed.comparator());
        keys.addAll(billed.keySet());
        keys.addAll(ours.keySet());
        var days = new ArrayList<Day>();
        var none = new Ours(BigDecimal.ZERO, BigDecimal.ZERO, 0, 0);
        BigDecimal billedTotal = unattributed;
        BigDecimal ourTotal = BigDecimal.ZERO;
        BigDecimal ourCatalogTotal = BigDecimal.ZERO;
        long executions = 0;
        long unpriced = 0;
        for (var key : keys) {
            BigDecimal bill = billed.getOrDefault(key, BigDecimal.ZERO);
            Ours our = Objects.requireNonNullElse(ours.get(key), none);
            BigDecimal difference = bill.subtract(our.cost());
            days.add(new Day(
                    key.day(),
                    key.model(),
                    Money.text(bill),
                    Money.text(our.cost()),
                    Money.text(our.catalogCost()),
                    Money.text(difference),
                    Money.percent(difference, our.cost()),
                    our.executions(),
                    our.unpriced()));
            billedTotal = billedTotal.add(bill);
            ourTotal = ourTotal.add(our.cost());
            ourCatalogTotal = ourCatalogTotal.add(our.catalogCost());
            executions += our.executions();
            unpriced += our.unpriced();
        }
        BigDecimal difference = billedTotal.subtract(ourTotal);
        return new Comparison(
                stored.id(),
                stored.format(),
                stored.lines().size(),
                from,
                to,
                days,
                new Totals(
                        Money.text(billedTotal),
                        Money.text(ourTotal),
                        Money.text(ourCatalogTotal),
                        Money.text(difference),
                        Money.percent(difference, ourTotal),
                        executions,
                        unpriced,
                        Money.text(unattributed)));
    }
}
