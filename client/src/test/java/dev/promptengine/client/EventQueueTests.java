package dev.promptengine.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventQueueTests {

    private final Counters counters = new Counters();

    @Test
    void dropNewestKeepsWhatIsQueuedAndCountsTheRefusedEvent() {
        var queue = new EventQueue(2, DropPolicy.DROP_NEWEST, counters);
        Usage first = Fixtures.usage();
        Usage second = Fixtures.usage();

        queue.offer(first);
        queue.offer(second);
        queue.offer(Fixtures.usage());

        assertThat(drain(queue)).containsExactly(first, second);
        assertThat(counters.dropped.sum()).isEqualTo(1);
    }

    @Test
    void dropOldestMakesRoomForTheNewEventAndCountsTheDiscardedOne() {
        var queue = new EventQueue(2, DropPolicy.DROP_OLDEST, counters);
        Usage second = Fixtures.usage();
        Usage third = Fixtures.usage();

        queue.offer(Fixtures.usage());
        queue.offer(second);
        queue.offer(third);

        assertThat(drain(queue)).containsExactly(second, third);
        assertThat(counters.dropped.sum()).isEqualTo(1);
    }

    @Test
    void neverHoldsMoreThanItsCapacity() {
        var queue = new EventQueue(100, DropPolicy.DROP_OLDEST, counters);

        for (int i = 0; i < 10_000; i++) {
            queue.offer(Fixtures.usage());
        }

        assertThat(queue.size()).isEqualTo(100);
        assertThat(counters.dropped.sum()).isEqualTo(9_900);
    }

    private static List<Event> drain(EventQueue queue) {
        var events = new ArrayList<Event>();
        queue.drainTo(events, Integer.MAX_VALUE);
        return events;
    }
}
