package dev.promptengine.analytics.keys;

import java.util.List;
import java.util.UUID;
import org.springframework.data.repository.ListCrudRepository;

/** Plain CRUD of {@code api_key}; the relay's query is explicit SQL in {@link ApiKeyRelay}. */
interface ApiKeyRepository extends ListCrudRepository<StoredKey, UUID> {

    List<StoredKey> findByTenantOrderByCreatedAtAscIdAsc(String tenant);

    List<StoredKey> findAllByOrderByCreatedAtAscIdAsc();
}
