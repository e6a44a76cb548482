package dev.promptengine.analytics.reconciliation;

/**
 * A billing export that cannot be imported: a required column missing, a value that is not a
 * number or date, a body over the limit. Nothing is stored; the answer names the column and, for a
 * value, the CSV line (the header is line 1).
 */
class ImportRefusedException extends RuntimeException {

    private final String column;
    private final Integer line;

    ImportRefusedException(String column, Integer line, String message) {
        super(message);
        this.column = column;
        this.line = line;
    }

    static ImportRefusedException missingColumn(String column, String alternatives, String format) {
        return new ImportRefusedException(
                column,
                null,
                "The " + format + " export has no column '" + column + "'" + alternatives
                        + "; see docs/reconciliation.md for the columns each format needs");
    }

    static ImportRefusedException badValue(String column, int line, String value, String expected) {
        return new ImportRefusedException(
                column, line, "Line " + line + ", column '" + column + "': '" + value + "' is not " + expected);
    }

    String column() {
        return column;
    }

    Integer line() {
        return line;
    }
}
