package dev.promptengine.analytics.reconciliation;

import java.util.Optional;
import java.util.UUID;
import org.springframework.data.repository.Repository;

/** Plain storage of imports; the comparison with our facts is explicit SQL in {@link ImportComparison}. */
interface ImportRepository extends Repository<ProviderImport, UUID> {

    ProviderImport save(ProviderImport providerImport);

    Optional<ProviderImport> findByIdAndTenant(UUID id, String tenant);
}
