package dev.promptengine.bench;

import java.util.List;

/** One named benchmark with its same-run baselines. */
public interface Scenario {

    String name();

    /** One sentence for the table and docs/benchmarks.md. */
    String description();

    /** Scenarios whose metrics this one's targets compare to; the suite runs them first. */
    default List<String> baselines() {
        return List.of();
    }

    void run(BenchContext context) throws Exception;

    /** Thrown when a scenario cannot run here (for example a service that has not landed yet). */
    final class Skipped extends RuntimeException {
        public Skipped(String reason) {
            super(reason);
        }
    }
}
