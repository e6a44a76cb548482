package dev.promptengine.client.springai;

import dev.promptengine.client.Usage;
import java.util.Map;

/**
 * What one {@code ChatClient} call says about itself: the prompt identity from its advisor
 * parameters, and the usage its first model request recorded, which the further requests of the
 * same call (tool-calling round trips) share.
 */
final class CallScope {

    static final String KEY = CallScope.class.getName();

    final String promptSlug;
    final Integer promptVersion;
    final String sessionId;
    final String userIdentifier;
    private Usage usage;

    CallScope(String promptSlug, Integer promptVersion, String sessionId, String userIdentifier) {
        this.promptSlug = promptSlug;
        this.promptVersion = promptVersion;
        this.sessionId = sessionId;
        this.userIdentifier = userIdentifier;
    }

    static CallScope from(Map<String, ?> params) {
        return new CallScope(
                text(params.get(PromptEngineChat.PROMPT_SLUG)),
                version(params.get(PromptEngineChat.PROMPT_VERSION)),
                text(params.get(PromptEngineChat.SESSION_ID)),
                text(params.get(PromptEngineChat.USER_IDENTIFIER)));
    }

    synchronized Usage usage() {
        return usage;
    }

    synchronized void usage(Usage usage) {
        this.usage = usage;
    }

    private static String text(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }

    private static Integer version(Object value) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        String text = text(value);
        if (text == null) {
            return null;
        }
        try {
            return Integer.valueOf(text.trim());
        } catch (NumberFormatException e) {
            return 0; // recorded, then rejected and counted by the client as a version < 1
        }
    }
}
