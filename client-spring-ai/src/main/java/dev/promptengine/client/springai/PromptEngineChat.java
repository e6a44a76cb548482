package dev.promptengine.client.springai;

import java.util.function.Consumer;
import org.springframework.ai.chat.client.ChatClient;

/**
 * Names the prompt of one {@link ChatClient} call. The identity travels as advisor parameters of
 * the call, which the recorder reads from the call's observation, so it reaches the chat model's
 * observation on the caller's thread and in a stream alike:
 *
 * <pre>{@code
 * chatClient.prompt().user(text).advisors(PromptEngineChat.prompt("support-reply", 3)).call().content();
 * }</pre>
 *
 * Calls without it (and {@code ChatModel} calls outside a {@code ChatClient}) are recorded under
 * {@code promptengine.client.default-prompt-slug}/{@code default-prompt-version}.
 */
public final class PromptEngineChat {

    /** Advisor parameter: the prompt's slug (a {@code String}). */
    public static final String PROMPT_SLUG = "promptengine.prompt_slug";
    /** Advisor parameter: the prompt's version (an {@code Integer}, or a {@code String} of digits). */
    public static final String PROMPT_VERSION = "promptengine.prompt_version";
    /** Advisor parameter: the usage's session id. */
    public static final String SESSION_ID = "promptengine.session_id";
    /** Advisor parameter: the usage's user identifier. */
    public static final String USER_IDENTIFIER = "promptengine.user_identifier";

    /** This call renders version {@code version} of the prompt {@code slug}. */
    public static Consumer<ChatClient.AdvisorSpec> prompt(String slug, int version) {
        return advisors -> advisors.param(PROMPT_SLUG, slug).param(PROMPT_VERSION, version);
    }

    /** As {@link #prompt(String, int)}, for a session and a user of the host application. */
    public static Consumer<ChatClient.AdvisorSpec> prompt(
            String slug, int version, String sessionId, String userIdentifier) {
        return advisors -> {
            prompt(slug, version).accept(advisors);
            if (sessionId != null) {
                advisors.param(SESSION_ID, sessionId);
            }
            if (userIdentifier != null) {
                advisors.param(USER_IDENTIFIER, userIdentifier);
            }
        };
    }

    private PromptEngineChat() {}
}
