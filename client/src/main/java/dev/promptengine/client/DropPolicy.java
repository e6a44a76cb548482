package dev.promptengine.client;

/** What the queue gives up when it is full. Either way the event is counted as dropped. */
public enum DropPolicy {
    /** Keep what is queued, refuse the event being recorded. */
    DROP_NEWEST,
    /** Make room by discarding the oldest queued event. */
    DROP_OLDEST
}
