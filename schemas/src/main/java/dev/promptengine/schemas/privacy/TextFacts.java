package dev.promptengine.schemas.privacy;

/**
 * What the detectors' pre-checks ask about one text, worked out once and shared by all of them
 * instead of each scanning the text again: how many ASCII digits it holds (the IBAN, card and phone
 * pre-checks). A detector that changes the text gets new facts for the changed text.
 */
final class TextFacts {

    /** More digits than any pre-check asks for; counting stops there. */
    static final int ENOUGH_DIGITS = 13;

    private final String text;
    private int digits = -1;

    TextFacts(String text) {
        this.text = text;
    }

    /** The text's digits, counted up to {@link #ENOUGH_DIGITS}. */
    int digits() {
        if (digits < 0) {
            digits = countDigits(text);
        }
        return digits;
    }

    boolean hasDigits(int atLeast) {
        if (atLeast > ENOUGH_DIGITS) {
            throw new IllegalArgumentException("digits are counted up to " + ENOUGH_DIGITS + " only");
        }
        return digits() >= atLeast;
    }

    private static int countDigits(String text) {
        int found = 0;
        for (int i = 0, length = text.length(); i < length; i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9' && ++found >= ENOUGH_DIGITS) {
                return found;
            }
        }
        return found;
    }
}
