package dev.promptengine.analytics.alert;

import dev.promptengine.analytics.WritePool;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Evaluates every enabled rule each {@code promptengine.alerts.evaluation-interval} (default 1 min)
 * over its window ending now. One instance evaluates at a time: a cycle is one transaction on the
 * write pool holding a transaction-scoped advisory lock, so when the evaluating instance dies its
 * connection closes, the lock goes with it and another instance's next cycle takes over. A rule
 * evaluated less than half an interval ago is skipped, so two instances taking turns never count a
 * breach twice. Late events are seen by the next cycle whose window still covers their event time.
 */
@Component
class AlertEvaluator {

    private static final Logger log = LoggerFactory.getLogger(AlertEvaluator.class);

    /**
     * What a cycle did: rules evaluated and transitions recorded (-1/-1: another instance evaluates),
     * its duration, and the part of it spent waiting for the database (the rollup reads, the state
     * and transition writes) with the number of reads.
     */
    record Cycle(int evaluated, int transitions, long durationMs, long databaseMs, int queries) {}

    private final AlertRuleRepository rules;
    private final AlertStore store;
    private final RuleCheck check;
    private final WritePool pool;
    private final AlertProperties properties;
    private final Clock clock;
    private final Timer timer;
    private final Timer databaseTimer;

    AlertEvaluator(
            AlertRuleRepository rules,
            AlertStore store,
            RuleCheck check,
            WritePool pool,
            AlertProperties properties,
            Clock clock,
            MeterRegistry meters) {
        this.rules = rules;
        this.store = store;
        this.check = check;
        this.pool = pool;
        this.properties = properties;
        this.clock = clock;
        this.timer = Timer.builder("promptengine.alerts.evaluation")
                .description("One evaluation cycle of every enabled alert rule")
                .register(meters);
        this.databaseTimer = Timer.builder("promptengine.alerts.evaluation.database")
                .description("The part of an evaluation cycle spent waiting for PostgreSQL (reads and writes)")
                .register(meters);
    }

    @Scheduled(
            initialDelayString = "${promptengine.alerts.evaluation-interval:1m}",
            fixedDelayString = "${promptengine.alerts.evaluation-interval:1m}")
    void scheduled() {
        try {
            var cycle = evaluate();
            if (cycle.transitions() > 0) {
                log.info(
                        "Alert evaluation: {} rules, {} transitions in {} ms",
                        cycle.evaluated(),
                        cycle.transitions(),
                        cycle.durationMs());
            }
        } catch (RuntimeException e) {
            log.warn("Alert evaluation failed (next cycle retries): {}", e.toString());
        }
    }

    Cycle evaluate() {
        long started = System.nanoTime();
        Cycle cycle = pool.transactions().execute(status -> {
            if (!store.tryLock(AlertStore.EVALUATION_LOCK)) {
                return new Cycle(-1, -1, 0, 0, 0);
            }
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            Instant recent = now.minus(properties.evaluationInterval().dividedBy(2));
            var states = store.states();
            var reads = check.cycle();
            int evaluated = 0;
            int transitions = 0;
            long writeNanos = 0;
            var quiet = new ArrayList<AlertStore.Evaluation>();
            var due = rules.findByEnabledTrue().stream()
                    .filter(rule -> {
                        var last = states.getOrDefault(rule.id(), AlertStore.State.initial())
                                .lastEvaluatedAt();
                        return last == null || !last.isAfter(recent);
                    })
                    .toList();
            reads.planning();
            due.forEach(rule -> check.plan(rule, now, reads));
            reads.planned();
            for (AlertRule rule : due) {
                var from = states.getOrDefault(rule.id(), AlertStore.State.initial());
                var result = check.evaluate(rule, now, reads);
                var step = StateMachine.next(from.state(), from.breaches(), result.breach(), rule.evaluationsToFire());
                evaluated++;
                // a budget fires again at each higher level it crosses within its period
                boolean levelUp = result.level() != null
                        && step.state().equals(StateMachine.FIRING)
                        && (from.level() == null || result.level().compareTo(from.level()) > 0);
                long writing = System.nanoTime();
                if (step.changes(from.state()) || levelUp) {
                    if (store.transition(rule, from, step, result, now, rule.silencedAt(now))) {
                        transitions++;
                    }
                } else if (from.lastEvaluatedAt() == null) {
                    store.firstEvaluation(rule, step, result, now);
                } else {
                    quiet.add(new AlertStore.Evaluation(
                            rule.id(), from.sequence(), step.breaches(), result.value(), result.forecast()));
                }
                writeNanos += System.nanoTime() - writing;
            }
            long writing = System.nanoTime();
            store.evaluated(quiet, now);
            writeNanos += System.nanoTime() - writing;
            return new Cycle(
                    evaluated, transitions, 0, (reads.databaseNanos() + writeNanos) / 1_000_000, reads.queries());
        });
        long ms = (System.nanoTime() - started) / 1_000_000;
        timer.record(java.time.Duration.ofMillis(ms));
        if (cycle.evaluated() >= 0) {
            databaseTimer.record(java.time.Duration.ofMillis(cycle.databaseMs()));
            log.debug(
                    "Alert evaluation: {} rules in {} ms ({} ms database, {} reads)",
                    cycle.evaluated(),
                    ms,
                    cycle.databaseMs(),
                    cycle.queries());
        }
        return new Cycle(cycle.evaluated(), cycle.transitions(), ms, cycle.databaseMs(), cycle.queries());
    }
}
