package dev.promptengine.cost.pricing;

/** A catalog row that the rules reject; names the offending field. */
class InvalidPriceException extends RuntimeException {

    private final String field;

    InvalidPriceException(String field, String message) {
        super(message);
        this.field = field;
    }

    String field() {
        return field;
    }
}
