package dev.promptengine.cost.pricing;

import java.util.List;
import java.util.UUID;
import org.springframework.data.repository.ListCrudRepository;

/** Plain CRUD of {@code price_discounts}. */
interface DiscountRepository extends ListCrudRepository<Discount, UUID> {

    List<Discount> findByTenantOrderByProviderAscEffectiveFromAscIdAsc(String tenant);

    List<Discount> findAllByOrderByTenantAscProviderAscEffectiveFromAscIdAsc();
}
