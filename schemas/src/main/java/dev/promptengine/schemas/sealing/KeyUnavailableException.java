package dev.promptengine.schemas.sealing;

/** A key needed to open content is gone (shredded), was never there, or does not fit the ciphertext. */
public class KeyUnavailableException extends RuntimeException {

    /** Why: {@code shredded} (the tenant's key is destroyed) or {@code wrong_key} (it does not open the bytes). */
    private final String reason;

    public KeyUnavailableException(String reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public static final String SHREDDED = "shredded";
    public static final String WRONG_KEY = "wrong_key";

    public String reason() {
        return reason;
    }
}
