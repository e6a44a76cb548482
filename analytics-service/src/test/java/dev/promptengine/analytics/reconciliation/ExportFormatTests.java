package dev.promptengine.analytics.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.promptengine.analytics.filter.InvalidParameterException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;

class ExportFormatTests {

    static final LocalDate NOV_24 = LocalDate.parse("2026-11-24");
    static final LocalDate NOV_25 = LocalDate.parse("2026-11-25");

    static String sample(String name) {
        try (InputStream in = ExportFormatTests.class.getResourceAsStream("/reconciliation/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void readsOpenAiCostExportMappingLineItemsToTheirModelAndSkippingEmptyDays() {
        List<BilledLine> lines = ExportFormat.OPENAI.read(sample("openai-costs.csv"), 1000);

        assertThat(lines)
                .extracting(BilledLine::line, BilledLine::day, BilledLine::model, BilledLine::lineItem)
                .containsExactly(
                        tuple(3, NOV_24, "gpt-4o-2024-08-06", "gpt-4o-2024-08-06, input"),
                        tuple(4, NOV_24, "gpt-4o-2024-08-06", "gpt-4o-2024-08-06, cached input"),
                        tuple(5, NOV_24, "gpt-4o-2024-08-06", "gpt-4o-2024-08-06, output"),
                        tuple(6, NOV_24, "gpt-4o-mini-2024-07-18", "gpt-4o-mini-2024-07-18, input"),
                        tuple(7, NOV_24, "gpt-4o-mini-2024-07-18", "gpt-4o-mini-2024-07-18, output"),
                        tuple(8, NOV_25, "gpt-4o-2024-08-06", "gpt-4o-2024-08-06, input"),
                        tuple(9, NOV_25, "gpt-4o-2024-08-06", "gpt-4o-2024-08-06, output"),
                        tuple(10, NOV_25, "gpt-4o-mini-2024-07-18", "GPT-4o-mini-2024-07-18, input"),
                        tuple(11, NOV_25, "web search tool calls", "web search tool calls"));
        assertThat(lines.get(0).billedCost()).isEqualByComparingTo("0.021");
        assertThat(lines.get(0).billedCost().toPlainString()).isEqualTo("0.021");
        assertThat(lines.get(7).billedModel()).isEqualTo("GPT-4o-mini-2024-07-18");
        assertThat(sum(lines)).isEqualByComparingTo("0.07485");
    }

    @Test
    void readsAnthropicConsoleCostExportWithDisplayNamesAsModelIds() {
        List<BilledLine> lines = ExportFormat.ANTHROPIC.read(sample("anthropic-costs.csv"), 1000);

        assertThat(lines)
                .extracting(BilledLine::day, BilledLine::model, BilledLine::lineItem, BilledLine::billedCost)
                .containsExactly(
                        tuple(NOV_24, "claude-sonnet-4-5", "input_no_cache", new BigDecimal("0.03")),
                        tuple(NOV_24, "claude-sonnet-4-5", "output", new BigDecimal("0.0141")),
                        tuple(NOV_24, null, "web_search", new BigDecimal("0.01")),
                        tuple(NOV_25, "claude-haiku-4-5", "input_no_cache", new BigDecimal("0.0012")),
                        tuple(NOV_25, "claude-haiku-4-5", "output", new BigDecimal("0.002")),
                        tuple(NOV_25, "claude-sonnet-4-5", "input_no_cache", new BigDecimal("0.01")),
                        tuple(NOV_25, "claude-sonnet-4-5", "input_cache_read", new BigDecimal("0.001")),
                        tuple(NOV_25, "claude-sonnet-4-5", "output", new BigDecimal("0.006")));
        assertThat(sum(lines)).isEqualByComparingTo("0.0743");
    }

    @Test
    void readsAnthropicAdminApiCostReportWhoseAmountsAreCents() {
        List<BilledLine> lines = ExportFormat.ANTHROPIC.read(sample("anthropic-cost-report.csv"), 1000);

        assertThat(lines)
                .extracting(BilledLine::day, BilledLine::model, BilledLine::billedCost)
                .containsExactly(
                        tuple(NOV_24, "claude-sonnet-4-5", new BigDecimal("0.03")),
                        tuple(NOV_24, "claude-sonnet-4-5", new BigDecimal("0.0141")),
                        tuple(NOV_24, null, new BigDecimal("0.01")));
    }

    @Test
    void matchesModelsCaseInsensitivelyAndAnthropicSnapshotsWithoutTheirDate() {
        assertThat(ExportFormat.OPENAI.modelKey(" GPT-4o-2024-08-06 ")).isEqualTo("gpt-4o-2024-08-06");
        assertThat(ExportFormat.ANTHROPIC.modelKey("Claude Sonnet 4.5")).isEqualTo("claude-sonnet-4-5");
        assertThat(ExportFormat.ANTHROPIC.modelKey("claude-sonnet-4-5-20250929"))
                .isEqualTo("claude-sonnet-4-5");
        assertThat(ExportFormat.ANTHROPIC.modelKey("Claude 3.5 Sonnet")).isEqualTo("claude-3-5-sonnet");
        assertThat(ExportFormat.ANTHROPIC.modelKey("claude-3-5-sonnet-20241022"))
                .isEqualTo("claude-3-5-sonnet");
    }

    @Test
    void takesTheModelOfAnOpenAiLineItemWithoutServiceTierOrModality() {
        String csv = "start_time_iso,amount_value,line_item\n"
                + "2026-11-24T00:00:00Z,1,\"priority | GPT-5.5-2026-04-23, output, long context\"\n"
                + "2026-11-24T00:00:00Z,2,\"gpt-audio-mini-2025-12-15 audio, input\"\n"
                + "2026-11-24T00:00:00Z,3,Vector storage\n";

        assertThat(ExportFormat.OPENAI.read(csv, 10))
                .extracting(BilledLine::model, BilledLine::billedModel)
                .containsExactly(
                        tuple("gpt-5.5-2026-04-23", "GPT-5.5-2026-04-23"),
                        tuple("gpt-audio-mini-2025-12-15", "gpt-audio-mini-2025-12-15"),
                        tuple("vector storage", "Vector storage"));
    }

    @Test
    void readsUnixSecondsWhenTheIsoColumnIsAbsentAndQuantitiesAsTokens() {
        String csv = "start_time,amount_value,line_item,quantity\r\n"
                + "1795478400,0.5,\"gpt-4o, input\",200000\r\n"
                + "1795478400,0.25,\"gpt-4o, output\",25000\r\n";

        List<BilledLine> lines = ExportFormat.OPENAI.read(csv, 10);

        assertThat(lines)
                .extracting(BilledLine::day, BilledLine::inputTokens, BilledLine::outputTokens)
                .containsExactly(tuple(NOV_24, 200_000L, null), tuple(NOV_24, null, 25_000L));
    }

    @Test
    void refusesAnExportWithoutARequiredColumnNamingIt() {
        assertRefused(
                () -> ExportFormat.OPENAI.read(
                        "start_time_iso,line_item\n2026-11-24T00:00:00Z,\"gpt-4o, input\"\n", 10),
                "amount_value",
                null,
                "no column 'amount_value'");
        assertRefused(
                () -> ExportFormat.ANTHROPIC.read("model,cost_usd\nClaude Haiku 4.5,0.1\n", 10),
                "usage_date_utc",
                null,
                "no column 'usage_date_utc' (nor date, starting_at)");
        assertRefused(
                () -> ExportFormat.ANTHROPIC.read("usage_date_utc,cost_usd\n2026-11-24,0.1\n", 10),
                "model",
                null,
                "no column 'model'");
    }

    @Test
    void refusesABadNumberNamingLineAndColumn() {
        String csv =
                "usage_date_utc,model,cost_usd\n2026-11-24,Claude Haiku 4.5,0.1\n2026-11-24,Claude Haiku 4.5,1.5 USD\n";
        assertRefused(
                () -> ExportFormat.ANTHROPIC.read(csv, 10),
                "cost_usd",
                3,
                "Line 3, column 'cost_usd': '1.5 USD' is not a decimal number");
        assertRefused(
                () -> ExportFormat.OPENAI.read(
                        "start_time_iso,amount_value,line_item\n2026-11-24T00:00:00Z,abc,\"gpt-4o, input\"\n", 10),
                "amount_value",
                2,
                "Line 2, column 'amount_value': 'abc' is not a decimal number");
        assertRefused(
                () -> ExportFormat.ANTHROPIC.read(
                        "usage_date_utc,model,cost_usd\n24/11/2026,Claude Haiku 4.5,0.1\n", 10),
                "usage_date_utc",
                2,
                "'24/11/2026' is not a date");
        assertRefused(
                () -> ExportFormat.ANTHROPIC.read(
                        "usage_date_utc,model,cost_usd\n2026-11-24,Claude Haiku 4.5,0.0000000000000000001\n", 10),
                "cost_usd",
                2,
                "at most 18 decimals");
    }

    @Test
    void refusesOtherCurrenciesAndLinesWithoutAModel() {
        assertRefused(
                () -> ExportFormat.OPENAI.read(
                        "start_time_iso,amount_value,amount_currency,line_item\n"
                                + "2026-11-24T00:00:00Z,1,eur,\"gpt-4o, input\"\n",
                        10),
                "amount_currency",
                2,
                "'eur' is not USD");
        assertRefused(
                () -> ExportFormat.OPENAI.read(
                        "start_time_iso,amount_value,line_item\n2026-11-24T00:00:00Z,0.06,\n", 10),
                "line_item",
                2,
                "grouped by line item");
    }

    @Test
    void refusesMoreLinesThanTheLimitAndTextThatIsNotCsv() {
        assertRefused(
                () -> ExportFormat.ANTHROPIC.read(
                        "usage_date_utc,model,cost_usd\n2026-11-24,a,1\n2026-11-24,b,1\n2026-11-24,c,1\n", 2),
                null,
                null,
                "3 lines; at most 2 per import");
        assertRefused(
                () -> ExportFormat.ANTHROPIC.read("usage_date_utc,model,cost_usd\n2026-11-24,\"open,1\n", 10),
                null,
                2,
                "not CSV");
        assertRefused(() -> ExportFormat.ANTHROPIC.read("", 10), null, null, "empty");
    }

    @Test
    void parsesQuotedFieldsWithCommasQuotesAndLineBreaksAndDropsAByteOrderMark() {
        var rows = CsvRecords.parse("\uFEFFa,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n\r\n1,,3");

        assertThat(rows).extracting(CsvRecords.Row::line).containsExactly(1, 2, 5);
        assertThat(rows.get(0).fields()).containsExactly("a", "b", "c");
        assertThat(rows.get(1).fields()).containsExactly("x, y", "say \"hi\"", "two\nlines");
        assertThat(rows.get(2).fields()).containsExactly("1", "", "3");
    }

    @Test
    void refusesAnUnknownFormat() {
        assertThatThrownBy(() -> ExportFormat.parse("azure"))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("openai or anthropic")
                .extracting(e -> ((InvalidParameterException) e).parameter())
                .isEqualTo("format");
    }

    private static BigDecimal sum(List<BilledLine> lines) {
        return lines.stream().map(BilledLine::billedCost).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static void assertRefused(
            ThrowableAssert.ThrowingCallable read, String column, Integer line, String message) {
        assertThatThrownBy(read)
                .isInstanceOf(ImportRefusedException.class)
                .hasMessageContaining(message)
                .satisfies(e -> {
                    var refused = (ImportRefusedException) e;
                    assertThat(refused.column()).isEqualTo(column);
                    assertThat(refused.line()).isEqualTo(line);
                });
    }
}
