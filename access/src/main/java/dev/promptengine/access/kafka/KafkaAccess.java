package dev.promptengine.access.kafka;

import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;

/**
 * Creates (or re-keys) the SCRAM credential of every principal and grants the pipeline's ACLs.
 * Idempotent: run it on every start with the current passwords; existing ACLs stay as they are.
 */
public final class KafkaAccess {

    private static final int SCRAM_ITERATIONS = 8192;

    /** Needs an admin client authenticated as {@link KafkaUser#ADMIN}. */
    public static void apply(Admin admin, Map<KafkaUser, String> passwords) {
        var alterations = new ArrayList<UserScramCredentialAlteration>();
        passwords.forEach((user, password) -> alterations.add(new UserScramCredentialUpsertion(
                user.username(), new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, SCRAM_ITERATIONS), password)));
        try {
            admin.alterUserScramCredentials(alterations).all().get(60, TimeUnit.SECONDS);
            admin.createAcls(PipelineAcls.all()).all().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while granting Kafka access", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create the Kafka users and ACLs: " + e.getMessage(), e);
        }
    }

    private KafkaAccess() {}
}
