package dev.promptengine.analytics.alert;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a webhook call: {@code sha256=} and the hex HMAC-SHA256, keyed with the rule's
 * secret, of {@code <timestamp>.<body>} (the timestamp header's value, seconds since the epoch), so
 * a receiver can refuse a replayed call as well as a forged one.
 */
final class WebhookSignature {

    static final String SIGNATURE_HEADER = "X-PromptEngine-Signature";
    static final String TIMESTAMP_HEADER = "X-PromptEngine-Timestamp";
    /** The transition id: the same on every retry of one notification, so a receiver can drop a repeat. */
    static final String DELIVERY_HEADER = "X-PromptEngine-Delivery";

    private WebhookSignature() {}

    static String sign(String secret, long timestamp, String body) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] digest = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
