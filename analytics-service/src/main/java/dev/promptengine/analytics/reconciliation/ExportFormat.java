package dev.promptengine.analytics.reconciliation;

import dev.promptengine.analytics.filter.InvalidParameterException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The billing exports we read, and how each maps to {@link BilledLine}s. Column names are matched
 * case-insensitively; columns we do not use are ignored. The mapping and its sources are written
 * down in docs/reconciliation.md.
 */
enum ExportFormat {

    /**
     * OpenAI's cost export (usage dashboard "Export" in the Cost view, or the Costs API
     * {@code /v1/organization/costs?group_by=line_item} flattened): {@code start_time},
     * {@code end_time}, {@code start_time_iso}, {@code end_time_iso}, {@code amount_value},
     * {@code amount_currency}, {@code line_item}, {@code project_id}, {@code organization_id},
     * {@code organization_name}. A line item is "{@code <model>, <kind>}" (kind input, cached input,
     * output ...); the model is the part before the comma.
     */
    OPENAI("openai") {
        @Override
        BilledLine line(Columns columns, CsvRecords.Row row) {
            String amount = columns.value(row, "amount_value");
            String item = columns.value(row, "line_item");
            if (amount.isBlank() && item.isBlank()) {
                return null; // a day without costs: the export lists it with empty fields
            }
            if (item.isBlank()) {
                throw new ImportRefusedException(
                        "line_item",
                        row.line(),
                        "Line " + row.line() + ": 'line_item' is empty; export the costs grouped by line item so"
                                + " each line names its model");
            }
            columns.requireCurrency(row, "amount_currency", "usd");
            String billedModel = modelOfLineItem(item);
            String kind = item.contains(",") ? item.split(",", 2)[1].trim().toLowerCase(Locale.ROOT) : "";
            Long quantity = columns.optionalCount(row, "quantity");
            Long input = columns.optionalCount(row, "input_tokens");
            Long output = columns.optionalCount(row, "output_tokens");
            if (quantity != null && input == null && output == null) {
                if (kind.contains("output")) {
                    output = quantity;
                } else if (kind.contains("input")) {
                    input = quantity;
                }
            }
            return new BilledLine(
                    row.line(),
                    columns.day(row),
                    modelKey(billedModel),
                    billedModel,
                    item,
                    columns.usd(row, "amount_value", BigDecimal.ONE),
                    input,
                    output);
        }

        @Override
        String modelKey(String model) {
            return model.trim().toLowerCase(Locale.ROOT);
        }

        /**
         * "gpt-4o-2024-08-06, cached input" → gpt-4o-2024-08-06; a service-tier prefix ("priority |
         * gpt-5, output") and a modality word after the model ("gpt-audio-mini-2025-12-15 audio,
         * input") are dropped. A line item without a comma ("web search tool calls") names no model and
         * is kept whole.
         */
        private static String modelOfLineItem(String item) {
            if (!item.contains(",")) {
                return item.trim();
            }
            String head = item.substring(0, item.indexOf(',')).trim();
            if (head.contains("|")) {
                head = head.substring(head.lastIndexOf('|') + 1).trim();
            }
            return head.split("\\s+", 2)[0];
        }
    },

    /**
     * Anthropic's Console cost export (Cost page, "Export"): {@code usage_date_utc}, {@code model}
     * (a display name such as "Claude Sonnet 4.5"), {@code workspace}, {@code api_key},
     * {@code usage_type}, {@code context_window}, {@code token_type}, {@code cost_usd},
     * {@code list_price_usd}, {@code cost_type}, ... Also the Admin API cost report
     * ({@code /v1/organizations/cost_report?group_by[]=description}) flattened: {@code starting_at},
     * {@code model}, {@code amount} in cents, {@code currency}.
     */
    ANTHROPIC("anthropic") {
        private static final Pattern SEPARATORS = Pattern.compile("[\\s.]+");
        private static final Pattern SNAPSHOT_DATE = Pattern.compile("-[0-9]{8}$");
        private static final BigDecimal CENTS = new BigDecimal("0.01");

        @Override
        BilledLine line(Columns columns, CsvRecords.Row row) {
            columns.requireCurrency(row, "currency", "usd");
            String billedModel = columns.value(row, "model").trim();
            String lineItem = firstNonBlank(
                    columns.value(row, "token_type"),
                    columns.value(row, "description"),
                    columns.value(row, "cost_type"));
            BigDecimal cost = columns.has("cost_usd")
                    ? columns.usd(row, "cost_usd", BigDecimal.ONE)
                    : columns.usd(row, "amount", CENTS);
            return new BilledLine(
                    row.line(),
                    columns.day(row),
                    billedModel.isEmpty() ? null : modelKey(billedModel),
                    billedModel,
                    lineItem,
                    cost,
                    columns.optionalCount(row, "usage_input_tokens_no_cache"),
                    columns.optionalCount(row, "usage_output_tokens"));
        }

        /**
         * "Claude Sonnet 4.5" and "claude-sonnet-4-5-20250929" both become "claude-sonnet-4-5": the
         * Console names models without their snapshot date, executions usually with it.
         */
        @Override
        String modelKey(String model) {
            String dashed =
                    SEPARATORS.matcher(model.trim().toLowerCase(Locale.ROOT)).replaceAll("-");
            return SNAPSHOT_DATE.matcher(dashed).replaceAll("");
        }

        private static String firstNonBlank(String... values) {
            for (String value : values) {
                if (!value.isBlank()) {
                    return value.trim();
                }
            }
            return null;
        }
    };

    /** Day columns, in order of preference, per format; the first present is used. */
    private static final Map<String, List<String>> DAY_COLUMNS = Map.of(
            "openai", List.of("start_time_iso", "start_time"),
            "anthropic", List.of("usage_date_utc", "date", "starting_at"));

    private static final Map<String, List<String>> COST_COLUMNS = Map.of(
            "openai", List.of("amount_value"),
            "anthropic", List.of("cost_usd", "amount"));

    private static final Map<String, List<String>> OTHER_REQUIRED = Map.of(
            "openai", List.of("line_item"),
            "anthropic", List.of("model"));

    private final String parameterValue;

    ExportFormat(String parameterValue) {
        this.parameterValue = parameterValue;
    }

    /** The provider of the executions this export bills, as our facts name it. */
    String provider() {
        return parameterValue;
    }

    String parameterValue() {
        return parameterValue;
    }

    static ExportFormat parse(String value) {
        for (var format : values()) {
            if (format.parameterValue.equals(value == null ? null : value.trim().toLowerCase(Locale.ROOT))) {
                return format;
            }
        }
        throw new InvalidParameterException(
                "format", "'format' must be openai or anthropic, got '" + (value == null ? "" : value) + "'");
    }

    /** The lines of an export; a refused export answers which column (and line) is wrong. */
    List<BilledLine> read(String csv, int maxLines) {
        List<CsvRecords.Row> rows;
        try {
            rows = CsvRecords.parse(csv);
        } catch (CsvRecords.MalformedCsvException e) {
            throw new ImportRefusedException(null, e.line, "The body is not CSV: " + e.getMessage());
        }
        if (rows.isEmpty()) {
            throw new ImportRefusedException(null, null, "The body is empty; send the CSV export with its header line");
        }
        if (rows.size() - 1 > maxLines) {
            throw new ImportRefusedException(
                    null, null, "The export has " + (rows.size() - 1) + " lines; at most " + maxLines + " per import");
        }
        var columns = new Columns(this, rows.get(0).fields());
        columns.requireOneOf(DAY_COLUMNS.get(parameterValue));
        columns.requireOneOf(COST_COLUMNS.get(parameterValue));
        for (String column : OTHER_REQUIRED.get(parameterValue)) {
            columns.requireOneOf(List.of(column));
        }
        var lines = new ArrayList<BilledLine>();
        for (var row : rows.subList(1, rows.size())) {
            var line = line(columns, row);
            if (line != null) {
                lines.add(line);
            }
        }
        if (lines.isEmpty()) {
            throw new ImportRefusedException(null, null, "The export has a header but no cost lines");
        }
        return lines;
    }

    abstract BilledLine line(Columns columns, CsvRecords.Row row);

    /** How a model name of this provider is compared with the model of our executions (see docs). */
    abstract String modelKey(String model);

    /** The header of one export: where each column is, and typed reads of a row's values. */
    static final class Columns {

        private static final int MAX_SCALE = 18; // numeric(38, 18)
        private static final int MAX_INTEGER_DIGITS = 20;

        private final ExportFormat format;
        private final Map<String, Integer> index = new HashMap<>();

        Columns(ExportFormat format, List<String> header) {
            this.format = format;
            for (int i = 0; i < header.size(); i++) {
                index.putIfAbsent(header.get(i).trim().toLowerCase(Locale.ROOT), i);
            }
        }

        boolean has(String column) {
            return index.containsKey(column);
        }

        void requireOneOf(List<String> columns) {
            if (columns.stream().noneMatch(this::has)) {
                String others = columns.size() == 1
                        ? ""
                        : " (nor " + String.join(", ", columns.subList(1, columns.size())) + ")";
                throw ImportRefusedException.missingColumn(columns.get(0), others, format.parameterValue);
            }
        }

        /** The value, or "" when the column is absent or the row is short. */
        String value(CsvRecords.Row row, String column) {
            Integer i = index.get(column);
            return i == null || i >= row.fields().size() ? "" : row.fields().get(i);
        }

        LocalDate day(CsvRecords.Row row) {
            for (String column : DAY_COLUMNS.get(format.parameterValue)) {
                if (has(column)) {
                    return day(row, column, value(row, column).trim());
                }
            }
            throw new IllegalStateException("checked by requireOneOf");
        }

        private static LocalDate day(CsvRecords.Row row, String column, String value) {
            try {
                if (value.matches("[0-9]{9,11}")) { // Unix seconds (OpenAI start_time)
                    return LocalDate.ofInstant(Instant.ofEpochSecond(Long.parseLong(value)), ZoneOffset.UTC);
                }
                if (value.length() == 10) {
                    return LocalDate.parse(value);
                }
                return OffsetDateTime.parse(value.replace(' ', 'T'))
                        .atZoneSameInstant(ZoneOffset.UTC)
                        .toLocalDate();
            } catch (DateTimeParseException | NumberFormatException e) {
                throw ImportRefusedException.badValue(
                        column, row.line(), value, "a date (2026-11-24), an ISO-8601 date-time or Unix seconds");
            }
        }

        /** An exact USD amount: the column's value times {@code unit} (1, or 0.01 for cents). */
        BigDecimal usd(CsvRecords.Row row, String column, BigDecimal unit) {
            String value = value(row, column).trim();
            BigDecimal amount;
            try {
                amount = new BigDecimal(value).multiply(unit);
            } catch (NumberFormatException e) {
                throw ImportRefusedException.badValue(column, row.line(), value, "a decimal number");
            }
            var stripped = amount.stripTrailingZeros();
            if (stripped.scale() > MAX_SCALE || stripped.precision() - stripped.scale() > MAX_INTEGER_DIGITS) {
                throw ImportRefusedException.badValue(
                        column, row.line(), value, "an amount we can store exactly (at most 18 decimals in USD)");
            }
            return stripped.scale() < 0 ? stripped.setScale(0, RoundingMode.UNNECESSARY) : stripped;
        }

        /** A token count where the export has the column; null when absent or empty. */
        Long optionalCount(CsvRecords.Row row, String column) {
            if (!has(column)) {
                return null;
            }
            String value = value(row, column).trim();
            if (value.isEmpty()) {
                return null;
            }
            try {
                long count = new BigDecimal(value).longValueExact();
                if (count < 0) {
                    throw new ArithmeticException("negative");
                }
                return count;
            } catch (NumberFormatException | ArithmeticException e) {
                throw ImportRefusedException.badValue(column, row.line(), value, "a whole, non-negative token count");
            }
        }

        void requireCurrency(CsvRecords.Row row, String column, String expected) {
            String value = value(row, column).trim();
            if (!value.isEmpty() && !value.equalsIgnoreCase(expected)) {
                throw ImportRefusedException.badValue(column, row.line(), value, "USD (only USD bills are reconciled)");
            }
        }
    }
}
