package dev.promptengine.cost.pricing;

import dev.promptengine.events.ModelPrice;
import dev.promptengine.events.PriceDiscount;
import dev.promptengine.schemas.Money;
import dev.promptengine.schemas.Topics;
import java.math.BigDecimal;

/** Maps catalog rows to and from the {@code ModelPrice} event of the compacted pricing topic. */
final class PricingEvents {

    static ModelPrice toEvent(Price price) {
        return ModelPrice.newBuilder()
                .setId(price.id())
                .setProvider(price.provider())
                .setModel(price.model())
                .setMatchPattern(price.matchPattern())
                .setInputPer1m(Money.toEventScale(price.inputPer1m()))
                .setOutputPer1m(Money.toEventScale(price.outputPer1m()))
                .setCachedInputPer1m(Money.toEventScale(price.cachedInputPer1m()))
                .setCacheWritePer1m(Money.toEventScale(price.cacheWritePer1m()))
                .setReasoningPer1m(Money.toEventScale(price.reasoningPer1m()))
                .setLongContextThreshold(price.longContextThreshold())
                .setLongContextInputPer1m(Money.toEventScale(price.longContextInputPer1m()))
                .setLongContextOutputPer1m(Money.toEventScale(price.longContextOutputPer1m()))
                .setEffectiveFrom(price.effectiveFrom())
                .setEffectiveUntil(price.effectiveUntil())
                .setSource(price.source())
                .setUpdatedAt(price.updatedAt())
                .setTenant(price.tenant())
                .setVersion(price.version())
                .build();
    }

    static Price fromEvent(ModelPrice event) {
        return new Price(
                event.getId(),
                event.getProvider(),
                event.getModel(),
                event.getMatchPattern(),
                plain(event.getInputPer1m()),
                plain(event.getOutputPer1m()),
                plain(event.getCachedInputPer1m()),
                plain(event.getCacheWritePer1m()),
                plain(event.getReasoningPer1m()),
                event.getLongContextThreshold(),
                plain(event.getLongContextInputPer1m()),
                plain(event.getLongContextOutputPer1m()),
                event.getEffectiveFrom(),
                event.getEffectiveUntil(),
                event.getSource(),
                event.getUpdatedAt(),
                event.getTenant(),
                event.getVersion());
    }

    static PriceDiscount toEvent(Discount discount) {
        return PriceDiscount.newBuilder()
                .setId(discount.id())
                .setTenant(discount.tenant())
                .setProvider(discount.provider())
                .setModel(discount.model())
                .setPercent(Money.toEventScale(discount.percent()))
                .setEffectiveFrom(discount.effectiveFrom())
                .setEffectiveUntil(discount.effectiveUntil())
                .setVersion(discount.version())
                .setUpdatedAt(discount.updatedAt())
                .build();
    }

    static Discount fromEvent(PriceDiscount event) {
        return new Discount(
                event.getId(),
                event.getTenant(),
                event.getProvider(),
                event.getModel(),
                plain(event.getPercent()),
                event.getEffectiveFrom(),
                event.getEffectiveUntil(),
                event.getVersion(),
                null,
                event.getUpdatedAt(),
                event.getUpdatedAt());
    }

    static String key(Price price) {
        return Topics.pricingKey(toEvent(price));
    }

    private static BigDecimal plain(BigDecimal amount) {
        if (amount == null) {
            return null;
        }
        var stripped = amount.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    private PricingEvents() {}
}
