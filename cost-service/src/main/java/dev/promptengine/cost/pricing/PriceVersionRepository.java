package dev.promptengine.cost.pricing;

import java.util.List;
import java.util.UUID;
import org.springframework.data.repository.ListCrudRepository;

/** Plain CRUD of {@code price_versions}; the "as known at" query is explicit SQL in {@link PriceCatalog}. */
interface PriceVersionRepository extends ListCrudRepository<PriceVersion, Long> {

    List<PriceVersion> findByPriceIdOrderByVersionAsc(UUID priceId);
}
