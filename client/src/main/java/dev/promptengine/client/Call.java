package dev.promptengine.client;

import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;

/**
 * One LLM call being measured: started by {@link PromptEngine#startCall}, it records exactly one
 * execution with the elapsed time, on {@link #succeeded}, {@link #failed} or {@link #timedOut},
 * or, when none of them was called, on {@link #close} as an error. Never throws.
 *
 * <pre>{@code
 * try (var call = client.startCall(usage, "openai", "gpt-4o")) {
 *     var reply = model.chat(messages);
 *     call.succeeded(reply.text(), reply.inputTokens(), reply.outputTokens());
 * } // an exception before succeeded(): recorded as an error by close()
 * }</pre>
 */
public final class Call implements AutoCloseable {

    static final String NOT_COMPLETED = "the call ended without a result (no succeeded/failed before close)";

    private final PromptEngine engine;
    private final Execution.Builder execution;
    private final LongSupplier nanoTime;
    private final long started;
    private Execution recorded;
    private boolean finished;

    Call(PromptEngine engine, Execution.Builder execution, LongSupplier nanoTime) {
        this.engine = engine;
        this.execution = execution;
        this.nanoTime = nanoTime;
        this.started = nanoTime.getAsLong();
    }

    /** The execution being built: set messages, temperature, cached tokens, response metadata here. */
    public Execution.Builder execution() {
        return execution;
    }

    public Execution succeeded(String responseContent, long inputTokens, long outputTokens) {
        if (finished) {
            return recorded;
        }
        execution.responseContent(responseContent).tokens(inputTokens, outputTokens);
        return finish(Status.SUCCESS, null);
    }

    /** Tokens set on {@link #execution()} beforehand, if known. */
    public Execution succeeded(String responseContent) {
        if (finished) {
            return recorded;
        }
        execution.responseContent(responseContent);
        return finish(Status.SUCCESS, null);
    }

    /** An error; timeouts ({@link TimeoutException}, {@link HttpTimeoutException}, {@link SocketTimeoutException}) as TIMEOUT. */
    public Execution failed(Throwable error) {
        if (error == null) {
            return finish(Status.ERROR, null);
        }
        String message =
                error.getClass().getSimpleName() + (error.getMessage() == null ? "" : ": " + error.getMessage());
        return finish(isTimeout(error) ? Status.TIMEOUT : Status.ERROR, message);
    }

    public Execution failed(String errorMessage) {
        return finish(Status.ERROR, errorMessage);
    }

    public Execution timedOut(String errorMessage) {
        return finish(Status.TIMEOUT, errorMessage);
    }

    /** Records an error when the call was not completed; does nothing otherwise. */
    @Override
    public void close() {
        finish(Status.ERROR, NOT_COMPLETED);
    }

    private synchronized Execution finish(Status status, String errorMessage) {
        if (finished) {
            return recorded;
        }
        finished = true;
        long elapsedMs = Math.max(0, (nanoTime.getAsLong() - started) / 1_000_000);
        execution.status(status).executionTimeMs(elapsedMs);
        if (errorMessage != null) {
            execution.errorMessage(errorMessage);
        }
        recorded = engine.recordExecution(execution);
        return recorded;
    }

    private static boolean isTimeout(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < 20; depth++, cause = cause.getCause()) {
            if (cause instanceof TimeoutException
                    || cause instanceof HttpTimeoutException
                    || cause instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
