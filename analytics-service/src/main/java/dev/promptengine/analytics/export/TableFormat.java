package dev.promptengine.analytics.export;

import dev.promptengine.analytics.filter.InvalidParameterException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.json.JsonMapper;

/**
 * The two formats of every export: RFC 4180 CSV with a header line, or JSON Lines (one object per
 * row with the header's snake_case names). In JSON Lines, counts are numbers and money is the exact
 * decimal as a string, as in the query API; everything else is its text.
 */
enum TableFormat {
    CSV("csv", "text/csv;charset=UTF-8"),
    JSONL("jsonl", "application/jsonl;charset=UTF-8");

    /** The rows of one export, written in this format to a buffered writer. */
    static final class Rows {
        private final Writer out;
        private final Consumer<Object[]> line;

        private Rows(Writer out, Consumer<Object[]> line) {
            this.out = out;
            this.line = line;
        }

        void line(Object... fields) {
            line.accept(fields);
        }

        /** Sends what is still buffered; the last call of an export. */
        void finish() throws IOException {
            out.flush();
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final String extension;
    final String contentType;

    TableFormat(String extension, String contentType) {
        this.extension = extension;
        this.contentType = contentType;
    }

    /** {@code format} as asked ({@code csv} when absent); 400 naming the parameter otherwise. */
    static TableFormat of(String format) {
        if (format == null || format.equals("csv")) {
            return CSV;
        }
        if (format.equals("jsonl")) {
            return JSONL;
        }
        throw new InvalidParameterException("format", "format must be csv or jsonl");
    }

    /**
     * Starts the export as a download named {@code name} plus this format's extension: the content
     * type, the attachment header, and a writer of rows with these column names (CSV writes the
     * header line now).
     */
    Rows open(HttpServletResponse response, String name, String... header) throws IOException {
        response.setContentType(contentType);
        response.setHeader(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "." + extension + "\"");
        var out = new BufferedWriter(
                new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8), 64 * 1024);
        if (this == CSV) {
            var csv = new CsvWriter(out);
            csv.line((Object[]) header);
            return new Rows(out, csv::line);
        }
        return new Rows(out, fields -> {
            Map<String, Object> line = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                line.put(header[i], json(fields[i]));
            }
            try {
                out.write(JSON.writeValueAsString(line));
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Object json(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal money) {
            return money.toPlainString();
        }
        return value instanceof Number ? value : value.toString();
    }
}
