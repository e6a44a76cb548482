package dev.promptengine.cost.pricing;

/** The caller's role may not do this with the value of one field (a 403 naming the field). */
public class ForbiddenFieldException extends RuntimeException {

    private final String field;

    public ForbiddenFieldException(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
