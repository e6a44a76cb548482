package dev.promptengine.cost.pricing;

/** This instance's lookup table holds every price published before it started. */
public record PriceTableReady(int prices) {}
