package dev.promptengine.analytics.alert;

/**
 * The states of a rule: {@code ok} until a breach; {@code pending} while it breaches fewer than
 * {@code consecutive} evaluations in a row; {@code firing} from then on until an evaluation does not
 * breach, which makes it {@code resolved} (a resting state like ok: a new breach starts over).
 */
final class StateMachine {

    static final String OK = "ok";
    static final String PENDING = "pending";
    static final String FIRING = "firing";
    static final String RESOLVED = "resolved";

    /** Where a rule goes; {@code breaches} counts consecutive breaching evaluations. */
    record Step(String state, int breaches) {

        boolean changes(String from) {
            return !state.equals(from);
        }
    }

    private StateMachine() {}

    static Step next(String state, int breaches, boolean breach, int consecutive) {
        if (breach) {
            int inARow = state.equals(FIRING) ? Math.max(breaches, consecutive) : breaches + 1;
            return new Step(inARow >= consecutive ? FIRING : PENDING, inARow);
        }
        return switch (state) {
            case FIRING, RESOLVED -> new Step(RESOLVED, 0);
            default -> new Step(OK, 0);
        };
    }
}
