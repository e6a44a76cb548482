package dev.promptengine.analytics.reconciliation;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records of a CSV text: fields separated by commas, optionally quoted ({@code ""} inside
 * quotes is one quote; quoted fields may hold commas and line breaks), records ended by CRLF or LF.
 * A leading UTF-8 byte-order mark is dropped (spreadsheet exports add one); blank lines are skipped.
 */
final class CsvRecords {

    /** One record and the line of the text it starts on (1-based; the header is line 1). */
    record Row(int line, List<String> fields) {}

    /** A quote that never closes: the text is not CSV. */
    static final class MalformedCsvException extends RuntimeException {
        final int line;

        MalformedCsvException(int line, String message) {
            super(message);
            this.line = line;
        }
    }

    private CsvRecords() {}

    static List<Row> parse(String text) {
        var rows = new ArrayList<Row>();
        int i = text.startsWith("\uFEFF") ? 1 : 0;
        int line = 1;
        int n = text.length();
        while (i < n) {
            int startLine = line;
            var fields = new ArrayList<String>();
            var field = new StringBuilder();
            boolean quoted = false;
            boolean fieldWasQuoted = false;
            boolean endOfRecord = false;
            while (i < n && !endOfRecord) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"') {
                        if (i + 1 < n && text.charAt(i + 1) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            quoted = false;
                        }
                    } else {
                        if (c == '\n') {
                            line++;
                        }
                        field.append(c);
                    }
                } else if (c == '"' && field.isEmpty() && !fieldWasQuoted) {
                    quoted = true;
                    fieldWasQuoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                    fieldWasQuoted = false;
                } else if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                    line++;
                    endOfRecord = true;
                } else if (c == '\n') {
                    line++;
                    endOfRecord = true;
                } else {
                    field.append(c);
                }
                i++;
            }
            if (quoted) {
                throw new MalformedCsvException(
                        startLine, "a quoted field opened on line " + startLine + " never closes");
            }
            fields.add(field.toString());
            boolean blank = fields.size() == 1 && fields.get(0).isBlank() && !fieldWasQuoted;
            if (!blank) {
                rows.add(new Row(startLine, List.copyOf(fields)));
            }
        }
        return rows;
    }
}
