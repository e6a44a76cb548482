package dev.promptengine.client;

import java.util.List;

/** Delivers one batch, synchronously, on the sender thread. Never throws: failures become a {@link Delivery}. */
interface Transport extends AutoCloseable {

    Delivery send(List<Event> batch);

    @Override
    void close();
}
