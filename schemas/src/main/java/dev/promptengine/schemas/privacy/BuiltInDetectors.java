package dev.promptengine.schemas.privacy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The detectors that ship with the pipeline, in the order they run: multi-line and prefixed secrets
 * first (so their digits are gone before the number detectors look), then e-mail, IBAN, payment
 * card and phone. Each has a cheap pre-check so ordinary prose costs a few {@code indexOf} calls.
 */
final class BuiltInDetectors {

    static final String PRIVATE_KEY = "private_key";
    static final String BEARER_TOKEN = "bearer_token";
    static final String JWT = "jwt";
    static final String API_KEY = "api_key";
    static final String SECRET_ASSIGNMENT = "secret_assignment";
    static final String EMAIL = "email";
    static final String IBAN = "iban";
    static final String PAYMENT_CARD = "payment_card";
    static final String PHONE = "phone";

    private static final Map<String, Detector> ALL = new LinkedHashMap<>();

    static {
        add(new Detector(
                PRIVATE_KEY,
                Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE KEY-----"),
                (text, facts) -> text.contains("PRIVATE KEY-----"),
                match -> true));
        add(new Detector(
                BEARER_TOKEN,
                Pattern.compile("(?i)\\bbearer\\s+[A-Za-z0-9\\-._~+/]{16,}=*"),
                (text, facts) -> text.contains("earer") || text.contains("EARER"),
                match -> true));
        add(new Detector(
                JWT,
                Pattern.compile("\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}"),
                (text, facts) -> text.contains("eyJ"),
                match -> true));
        add(new Detector(
                API_KEY,
                Pattern.compile("\\b(?:sk-(?:proj-|ant-[a-z0-9]{2,8}-|live-)?[A-Za-z0-9_-]{20,}"
                        + "|[sr]k_(?:live|test)_[A-Za-z0-9]{16,}"
                        + "|(?:AKIA|ASIA)[0-9A-Z]{16}"
                        + "|gh[pousr]_[A-Za-z0-9]{36,}"
                        + "|github_pat_[A-Za-z0-9_]{22,}"
                        + "|xox[abposr]-[A-Za-z0-9-]{10,}"
                        + "|AIza[0-9A-Za-z_-]{35}"
                        + "|glpat-[A-Za-z0-9_-]{20,})"),
                (text, facts) -> containsAny(
                        text,
                        "sk-",
                        "k_live_",
                        "k_test_",
                        "AKIA",
                        "ASIA",
                        "hp_",
                        "ho_",
                        "hu_",
                        "hs_",
                        "hr_",
                        "github_pat_",
                        "xox",
                        "AIza",
                        "glpat-"),
                match -> true));
        add(new Detector(
                SECRET_ASSIGNMENT,
                Pattern.compile(
                        "(?i)\\b(?:password|passwd|pwd|secret|api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret)"
                                + "\\s*[:=]\\s*[\"']?[^\\s\"',;]{6,}[\"']?"),
                (text, facts) -> (text.indexOf('=') >= 0 || text.indexOf(':') >= 0)
                        && containsAny(text, "ass", "ASS", "wd", "WD", "ecret", "ECRET", "ey", "EY", "oken", "OKEN"),
                match -> true));
        add(new Detector(
                EMAIL,
                Pattern.compile(
                        "(?<![\\w.%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})*\\.[A-Za-z]{2,24}\\b"),
                (text, facts) -> text.indexOf('@') >= 0,
                match -> true));
        add(new Detector(
                IBAN,
                Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}\\b"),
                (text, facts) -> facts.hasDigits(6),
                BuiltInDetectors::isIban));
        add(new Detector(
                PAYMENT_CARD,
                Pattern.compile("(?<![\\d.])(?:\\d[ -]?){12,18}\\d(?![\\d.])"),
                (text, facts) -> facts.hasDigits(13),
                BuiltInDetectors::isPaymentCard));
        add(new Detector(
                PHONE,
                Pattern.compile(
                        "(?<![\\w+.])(?:\\+\\d{1,3}[ .-]?)?(?:\\(\\d{1,5}\\)[ .-]?)?\\d{2,5}(?:[ .-]?\\d{2,5}){1,5}(?![\\w.])"),
                (text, facts) -> facts.hasDigits(9),
                BuiltInDetectors::isPhoneNumber));
    }

    private static void add(Detector detector) {
        ALL.put(detector.name(), detector);
    }

    /** Every built-in rule name, in the order the detectors run. */
    static List<String> names() {
        return List.copyOf(ALL.keySet());
    }

    static Detector named(String name) {
        Detector detector = ALL.get(name);
        if (detector == null) {
            throw new IllegalArgumentException("Unknown built-in detector '" + name + "'; known: " + names());
        }
        return detector;
    }

    /** 13 to 19 digits, an issuer prefix (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro), Luhn. */
    static boolean isPaymentCard(String candidate) {
        String digits = digitsOf(candidate);
        return digits.length() >= 13 && digits.length() <= 19 && hasIssuerPrefix(digits) && luhnValid(digits);
    }

    private static boolean hasIssuerPrefix(String digits) {
        char first = digits.charAt(0);
        if (first >= '3' && first <= '6') {
            return true;
        }
        int four = Integer.parseInt(digits.substring(0, 4));
        return four >= 2221 && four <= 2720; // Mastercard's 2-series
    }

    static boolean luhnValid(String digits) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    static boolean isIban(String candidate) {
        String iban = candidate.replace(" ", "");
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        int remainder = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            int value = Character.isDigit(c) ? c - '0' : c - 'A' + 10;
            remainder = value > 9 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
        }
        return remainder == 1;
    }

    /**
     * 9 to 15 digits (E.164 allows 15) written the way people write phone numbers: with a leading
     * {@code +}, an area code in parentheses or separators. A bare run of digits is more often an id
     * or a timestamp, and a single dot is a decimal number.
     */
    static boolean isPhoneNumber(String candidate) {
        int digits = digitsOf(candidate).length();
        if (digits < 9 || digits > 15) {
            return false;
        }
        if (candidate.startsWith("+") || candidate.startsWith("(")) {
            return true;
        }
        boolean dash = candidate.indexOf('-') >= 0;
        boolean space = candidate.indexOf(' ') >= 0;
        long dots = candidate.chars().filter(c -> c == '.').count();
        return dash || space || dots >= 2;
    }

    private static String digitsOf(String text) {
        StringBuilder digits = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }

    private static boolean containsAny(String text, String... needles) {
        for (String needle : needles) {
            if (text.contains(needle)) {
                return true;
            }
        }
        return false;
    }

    private BuiltInDetectors() {}
}
