package dev.promptengine.client.springai;

import io.micrometer.observation.ObservationHandler;
import org.springframework.ai.chat.client.observation.ChatClientObservationContext;

/**
 * Puts the {@link CallScope} of a {@code ChatClient} call on its observation when it starts, where
 * the chat model's observations under it (their parent) find it.
 */
final class ChatClientScopeHandler implements ObservationHandler<ChatClientObservationContext> {

    @Override
    public void onStart(ChatClientObservationContext context) {
        try {
            context.put(CallScope.KEY, CallScope.from(context.getRequest().context()));
        } catch (RuntimeException e) {
            ChatModelRecorder.PROBLEMS.once("scope", "Cannot read a ChatClient call's prompt identity: " + e);
        }
    }

    @Override
    public boolean supportsContext(io.micrometer.observation.Observation.Context context) {
        return context instanceof ChatClientObservationContext;
    }
}
