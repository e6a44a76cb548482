package dev.promptengine.analytics.filter;

/** A request parameter that cannot be answered; the API turns it into a 400 problem naming the parameter. */
public class InvalidParameterException extends RuntimeException {

    private final String parameter;

    public InvalidParameterException(String parameter, String message) {
        super(message);
        this.parameter = parameter;
    }

    public String parameter() {
        return parameter;
    }
}
