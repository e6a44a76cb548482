package dev.promptengine.cost.pricing;

import dev.promptengine.service.auth.Caller;
import dev.promptengine.service.auth.Role;

/**
 * Who may see and change which layer. A tenant {@code admin} reads the default catalog and its own
 * tenant's rows and changes only its own (its tenant is implied); another tenant's rows do not exist
 * for it. {@code platform_admin} changes the default catalog and, naming {@code tenant}, any tenant's.
 */
final class Layers {

    /** The tenant a change goes to (null: the default catalog). */
    static String tenantForChange(Caller caller, String requested) {
        if (caller.role() == Role.PLATFORM_ADMIN) {
            return requested;
        }
        if (requested != null && !requested.equals(caller.tenant())) {
            throw new ForbiddenFieldException(
                    "tenant", "a tenant admin changes only its own tenant's prices (" + caller.tenant() + ")");
        }
        return caller.tenant();
    }

    /** Whether the caller may see a row or record of this tenant (null: the default catalog). */
    static boolean visible(String tenant, Caller caller) {
        return caller.role() == Role.PLATFORM_ADMIN || tenant == null || tenant.equals(caller.tenant());
    }

    /** Refuses a tenant admin's change of a default row (the caller can see it, but not change it). */
    static void checkMayChange(String tenant, Caller caller) {
        if (caller.role() != Role.PLATFORM_ADMIN && tenant == null) {
            throw new ForbiddenFieldException(
                    "tenant", "the default catalog is shared by every tenant: only platform_admin changes it");
        }
    }

    private Layers() {}
}
